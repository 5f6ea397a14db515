import { CorruptGenerationError } from '../errors/index.js'
import {
  mergeDeclarations,
  NO_OBJECTIVES,
  normalizeObjectives,
  OBJECTIVES_PATH,
  sameObjectives,
  serializeObjectives,
  type ObjectivesConfig,
  type ObjectivesInput,
} from '../model/objectives.js'
import { objectivesFileSchema } from '../model/objectives-file.js'
import { resolveRef, type StoreContext } from './context.js'

/** Reads `.evogit/objectives.json` from a tree; a tree without one declares nothing. */
export async function readObjectivesAt(ctx: StoreContext, tree: string | null, commit = ''): Promise<ObjectivesConfig> {
  if (tree === null) return NO_OBJECTIVES
  const entry = await ctx.repo.entryAt(tree, OBJECTIVES_PATH)
  if (!entry || entry.mode === '40000') return NO_OBJECTIVES
  const bytes = await ctx.repo.objects.readTyped(entry.oid, 'blob')
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch (err) {
    throw new CorruptGenerationError(`${OBJECTIVES_PATH} in commit ${commit} is not valid JSON (${(err as Error).message}); fix it with evogit objectives --change`, { generation: -1, commit, file: OBJECTIVES_PATH }, { cause: err })
  }
  const result = objectivesFileSchema.safeParse(parsed)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new CorruptGenerationError(`${OBJECTIVES_PATH} in commit ${commit} is not a valid objectives file: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), { generation: -1, commit, file: OBJECTIVES_PATH }, { cause: result.error })
  }
  const objectives: ObjectivesConfig['objectives'] = {}
  for (const [name, spec] of Object.entries(result.data.objectives)) objectives[name] = spec.reference === undefined ? { direction: spec.direction } : { direction: spec.direction, reference: spec.reference }
  return { primary: result.data.primary, objectives }
}

/** The objectives in force at a commit (`null`: nothing saved yet). */
export async function objectivesAtCommit(ctx: StoreContext, commit: string | null): Promise<ObjectivesConfig> {
  if (commit === null) return NO_OBJECTIVES
  const { tree } = await ctx.repo.readCommit(commit)
  return readObjectivesAt(ctx, tree, commit)
}

/** What a save does about objectives: the declaration in force, and the new file when it changes. */
export interface ObjectivesPlan {
  config: ObjectivesConfig
  /** The new `.evogit/objectives.json`, or `null` when the commit keeps the parent's. */
  file: Buffer | null
}

/**
 * Merges what the branch has committed with what `openStore` and this save declare. New
 * objectives are added (and committed with the save); a different direction for a known one is
 * an {@link ObjectiveConflictError}, so "best" never flips silently.
 */
export async function planObjectives(ctx: StoreContext, parentTree: string | null, perSave: ObjectivesInput | undefined, parentCommit = ''): Promise<ObjectivesPlan> {
  const stored = await readObjectivesAt(ctx, parentTree, parentCommit)
  let config = stored
  const declared = ctx.declaredObjectives
  if (declared) config = mergeDeclarations(config, { objectives: normalizeObjectives(declared.objectives), primary: declared.primary }, 'openStore({ objectives })')
  if (perSave !== undefined) config = mergeDeclarations(config, { objectives: normalizeObjectives(perSave, 'objectives') }, 'this save')
  return { config, file: sameObjectives(config, stored) ? null : Buffer.from(serializeObjectives(config)) }
}

/**
 * The objectives in force on a ref: what its tip committed, plus what `openStore` declared
 * (which the next save will commit).
 *
 * @example
 * ```ts
 * const { primary, objectives } = await store.objectives()
 * ```
 */
export async function objectives(options: { ctx: StoreContext; ref?: string }): Promise<ObjectivesConfig> {
  const { ctx } = options
  const { commit } = await resolveRef(ctx, options.ref)
  const stored = await objectivesAtCommit(ctx, commit)
  const declared = ctx.declaredObjectives
  return declared ? mergeDeclarations(stored, { objectives: normalizeObjectives(declared.objectives), primary: declared.primary }, 'openStore({ objectives })') : stored
}
