import { CorruptGenerationError } from '../errors/index.js'
import { assertGenerationId, sidecarPath } from '../model/generation-id.js'
import { sidecarSchema, upgradeSidecar, type Sidecar } from '../model/sidecar.js'
import { resolveRef, type StoreContext } from './context.js'
import type { ReadOptions } from './load-generation.js'
import { parseStoredJsonExact, readFileAt } from './read-helpers.js'

/** Options of `store.loadMetadata`: which ref to read, and how numbers in `meta` come back. */
export type LoadMetadataOptions = ReadOptions & ExactReadOptions

/** The arguments of {@link loadMetadata}: its options plus the store and the generation. */
export interface LoadMetadataCall extends ReadOptions, ExactReadOptions {
  ctx: StoreContext
  generation: number
}

/** How numbers in `meta` come back. */
export interface ExactReadOptions {
  /**
   * `exact` (default): a `number` when it is exact, a `bigint` for integers past 2^53, a
   * `LosslessNumber` for anything else no JS number holds. `lossless`: every number in `meta`
   * as a `LosslessNumber` with its digits as stored (`1.0` stays `1.0`); for passing JSON on.
   */
  numbers?: 'exact' | 'lossless'
}

/**
 * Loads a generation's sidecar: when it was saved, score statistics, raw scores, its parent and
 * your `meta`. Returns `null` when the generation has no sidecar (absent, or committed by hand).
 * `meta` comes back exactly as saved: big integers as `bigint`, key order as given. Sidecars
 * written before format version 2 are upgraded on read (every objective `max`, no failures).
 *
 * @example
 * ```ts
 * const sidecar = await store.loadMetadata(3)
 * sidecar?.meta // { seed: 42, mutationRate: 0.2 }
 * ```
 */
export async function loadMetadata(options: LoadMetadataCall): Promise<Sidecar | null> {
  const { ctx } = options
  const generation = assertGenerationId(options.generation)
  const { commit } = await resolveRef(ctx, options.ref)
  if (!commit) return null
  return sidecarAt(ctx, commit, generation, options.numbers ?? 'exact')
}

/**
 * The sidecar of `generation` in `commit`'s tree, as {@link loadMetadata} returns it, for callers
 * that already hold the commit id (compare reads one per row and need not resolve it again).
 */
export async function sidecarAt(ctx: StoreContext, commit: string, generation: number, numbers: 'exact' | 'lossless' = 'exact'): Promise<Sidecar | null> {
  const file = sidecarPath(generation)
  const bytes = await readFileAt(ctx, commit, file)
  return bytes === null ? null : parseSidecar(bytes, { generation, commit, file }, numbers)
}

/** A sidecar's bytes, parsed, upgraded and validated as {@link sidecarAt} returns them; `where` names them in errors. */
export function parseSidecar(bytes: Buffer, where: { generation: number; commit: string; file: string }, numbers: 'exact' | 'lossless' = 'exact'): Sidecar {
  const { commit, file } = where
  const result = sidecarSchema.safeParse(upgradeSidecar(parseStoredJsonExact(bytes, where, 'exact')))
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new CorruptGenerationError(`${file} in commit ${commit} is not a valid sidecar: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), where, {
      cause: result.error,
    })
  }
  // Statistics must be plain numbers; only `meta` is handed on digit for digit.
  if (numbers === 'lossless') result.data.meta = (parseStoredJsonExact(bytes, where, 'lossless') as { meta: Sidecar['meta'] }).meta
  return result.data
}
