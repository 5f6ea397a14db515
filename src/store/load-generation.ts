import { CorruptGenerationError, InvalidPopulationError } from '../errors/index.js'
import { assertGenerationId, generationFileName } from '../model/generation-id.js'
import { validatePopulation } from '../model/population.js'
import { resolveRef, type StoreContext } from './context.js'
import { parseStoredJson, readFileAt } from './read-helpers.js'

/** Where to read from. */
export interface ReadOptions {
  /** A branch, tag or commit; the current branch when omitted. Reading never touches the working tree. */
  ref?: string
}

/** The arguments of {@link loadGeneration}. */
export interface LoadGenerationOptions<T> extends ReadOptions {
  ctx: StoreContext<T>
  generation: number
}

/**
 * Loads a generation's population from a commit, validated by the store's schema.
 * A generation that does not exist reads as `[]`, exactly like the original store.
 *
 * @returns The individuals, typed by the schema.
 * @throws CorruptGenerationError when the stored file is not valid JSON or fails the schema;
 *   the error names the commit and file. RefNotFoundError for an unknown `ref`.
 *
 * @example
 * ```ts
 * const population = await store.loadGeneration(3)
 * const fromBranch = await store.loadGeneration(3, { ref: 'high-mutation' })
 * ```
 */
export async function loadGeneration<T>(options: LoadGenerationOptions<T>): Promise<T[]> {
  const { ctx } = options
  const generation = assertGenerationId(options.generation)
  const { commit } = await resolveRef(ctx, options.ref)
  if (!commit) return []
  const file = generationFileName(generation)
  const bytes = await readFileAt(ctx, commit, file)
  if (bytes === null) return []
  return decodeGeneration(ctx, bytes, { generation, commit, file })
}

/** Parses and validates the bytes of `gen_<n>.json` read from `commit`; a bad file is E_CORRUPT_GENERATION naming both. */
export function decodeGeneration<T>(ctx: StoreContext<T>, bytes: Buffer, where: { generation: number; commit: string; file: string }): T[] {
  const { generation, commit, file } = where
  const data = parseStoredJson(bytes, where)
  try {
    return validatePopulation({ populationSchema: ctx.populationSchema, population: data, generation, context: `${file} in commit ${commit}` })
  } catch (err) {
    if (err instanceof InvalidPopulationError) {
      throw new CorruptGenerationError(`${err.message}; other generations are unaffected`, { ...where, issues: err.data.issues }, { cause: err })
    }
    throw new CorruptGenerationError(`${file} in commit ${commit} is not a JSON array of individuals`, where, { cause: err })
  }
}
