import { DetachedHeadError, DirtyWorkingTreeError } from '../errors/index.js'
import { ObjectDatabase } from '../git/objects.js'
import {
  assertObjectiveName,
  describeObjectiveChanges,
  mergeDeclarations,
  normalizeObjectives,
  OBJECTIVES_PATH,
  sameObjectives,
  serializeObjectives,
  type ObjectivesConfig,
  type ObjectivesInput,
} from '../model/objectives.js'
import type { StoreContext } from './context.js'
import { readObjectivesAt } from './objectives-state.js'

/** Options of `store.setObjectives`. */
export interface SetObjectivesOptions {
  /** Directions (and optional hypervolume references) to declare: `{ cost: 'min' }`. */
  objectives?: ObjectivesInput
  /** The objective that headlines subjects, `Best-Score`, `log` and `branches`. */
  primary?: string
  /**
   * Allow changing a direction, reference or primary that is already declared. Without it, only
   * new declarations are accepted and a different one is an E_OBJECTIVE_CONFLICT.
   */
  change?: boolean
}

/** The arguments of {@link setObjectives}: its options plus the store and the positional arguments. */
export interface SetObjectivesCall extends SetObjectivesOptions {
  ctx: StoreContext
}

/** What {@link setObjectives} did. */
export interface SetObjectivesResult {
  /** The declaration now in force on the branch. */
  objectives: ObjectivesConfig
  /** One line per change (`cost: max → min`); empty when nothing changed and no commit was made. */
  changes: string[]
  /** The commit that recorded the change, or `null` when nothing changed. */
  commit: string | null
  branch: string
}

/** The trailer that records a change of directions, one per changed objective. */
export const OBJECTIVES_CHANGED_TRAILER = 'Objectives-Changed'

/**
 * Declares objectives on the current branch, or with `change` changes what is declared, in a
 * commit of its own that touches only `.evogit/objectives.json`. The commit's subject and
 * `Objectives-Changed` trailers say what changed, so `git log` shows when "best" started to
 * mean something else. Generations saved before keep the directions their sidecars recorded.
 *
 * @throws ObjectiveConflictError when an existing declaration would change without `change`.
 *   DetachedHeadError, DirtyWorkingTreeError (the objectives file was edited by hand).
 *
 * @example
 * ```ts
 * await store.setObjectives({ objectives: { cost: 'min' }, primary: 'cost' })
 * await store.setObjectives({ objectives: { cost: 'max' }, change: true }) // recorded in history
 * ```
 */
export async function setObjectives(options: SetObjectivesCall): Promise<SetObjectivesResult> {
  const { ctx, change = false } = options
  const declared = normalizeObjectives(options.objectives)
  if (options.primary !== undefined) assertObjectiveName(options.primary, 'primary')
  const repo = ctx.repo
  return ctx.lock.run(async () => {
    const head = await repo.refs.head()
    if (head.ref === null) throw new DetachedHeadError(`HEAD is detached at ${head.oid ?? 'nothing'}; check out a branch before declaring objectives`, { commit: head.oid })
    const branch = head.ref.replace(/^refs\/heads\//, '')
    const parent = head.oid ? await repo.readCommit(head.oid) : null
    const stored = await readObjectivesAt(ctx, parent?.tree ?? null, head.oid ?? '')
    const next: ObjectivesConfig = change
      ? { primary: options.primary ?? stored.primary, objectives: { ...stored.objectives, ...declared } }
      : mergeDeclarations(stored, { objectives: declared, primary: options.primary }, 'setObjectives')
    if (sameObjectives(stored, next)) return { objectives: stored, changes: [], commit: null, branch }
    const changes = describeObjectiveChanges(stored, next)
    const bytes = Buffer.from(serializeObjectives(next))
    const blob = ObjectDatabase.hash('blob', bytes)
    const clobbered = await repo.unsavedEdits(parent?.tree ?? null, new Map([[OBJECTIVES_PATH, () => blob]]))
    if (clobbered.length > 0) {
      throw new DirtyWorkingTreeError(`${OBJECTIVES_PATH} in the working tree has uncommitted edits; commit or move them first`, { files: clobbered })
    }
    await repo.readIndex()
    const now = ctx.clock()
    const signature = { ...ctx.author, timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: 0 }
    const verb = Object.keys(stored.objectives).length === 0 && stored.primary === null ? 'declare' : 'change'
    const message = `objectives: ${verb} ${changes.join(', ')}\n\n${changes.map((c) => `${OBJECTIVES_CHANGED_TRAILER}: ${c}`).join('\n')}\n`
    // The same transaction as a save: objects durable first, the ref moved by CAS, then the working tree.
    const committed = await repo.commit({
      ref: head.ref,
      expected: head.oid,
      parentTree: parent?.tree ?? null,
      files: [{ path: OBJECTIVES_PATH, data: bytes, oid: blob }],
      message,
      author: signature,
      worktree: true,
      label: 'the objectives change',
    })
    return { objectives: next, changes, commit: committed.commit, branch }
  })
}
