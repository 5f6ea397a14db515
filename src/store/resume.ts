import { resolveRef, type StoreContext } from './context.js'
import { commitOfGeneration, generationsAt } from './history.js'
import type { ResumePoint } from './history-types.js'
import { loadGeneration, type ReadOptions } from './load-generation.js'
import { loadMetadata, type ExactReadOptions } from './load-metadata.js'

/** The arguments of {@link resume}. */
export interface ResumeOptions<T> extends ReadOptions, ExactReadOptions {
  ctx: StoreContext<T>
}

/**
 * Where to continue a run: the latest generation on the branch (the highest id), its population,
 * and the `meta` saved with it (settings, RNG state), exactly: integers past 2^53 come back as
 * `bigint`. `null` for a store with nothing saved.
 * An engine continues at `generation + 1`, never at 0.
 *
 * @example
 * ```ts
 * const point = await store.resume()
 * const start = point ? point.generation + 1 : 0
 * const rng = point ? restoreRng(point.meta) : newRng(seed)
 * ```
 */
export async function resume<T>(options: ResumeOptions<T>): Promise<ResumePoint<T> | null> {
  const { ctx } = options
  const resolved = await resolveRef(ctx, options.ref)
  if (!resolved.commit) return null
  const generation = (await generationsAt(ctx, resolved.commit)).at(-1)
  if (generation === undefined) return null
  // Read from the resolved commit, not the ref, so a concurrent save cannot mix two generations.
  const at = { ref: resolved.commit }
  const [population, sidecar, commit] = await Promise.all([
    loadGeneration({ ctx, generation, ...at }),
    loadMetadata({ ctx, generation, ...at, ...(options.numbers === undefined ? {} : { numbers: options.numbers }) }),
    commitOfGeneration(ctx, resolved.commit, generation, resolved.name),
  ])
  return { generation, population, meta: sidecar?.meta ?? null, sidecar, commit, ref: resolved.name }
}
