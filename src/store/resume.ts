import { resolveRef, type StoreContext } from './context.js'
import { commitOfGeneration, generationsAt } from './history.js'
import type { ResumePoint } from './history-types.js'
import { loadGeneration, type ReadOptions } from './load-generation.js'
import { loadMetadata, type ExactReadOptions } from './load-metadata.js'
import { applyOverrides, settingsOf } from '../model/settings.js'
import type { JsonValue } from '../model/sidecar.js'

/** Options of `store.resume`. */
export interface ResumeOptions extends ReadOptions, ExactReadOptions {
  /**
   * Settings to change from here on, by key (dotted for nested ones): merged into the saved
   * `meta.settings` under the rule of {@link applyOverrides}. Save `point.settings.effective` in
   * the next generation's `meta.settings`, so the branch records what it actually ran with.
   */
  overrides?: Readonly<Record<string, JsonValue | undefined>>
  /** Settings the engine cannot change mid-run (e.g. `['populationSize']`); overriding them is `E_INVALID_OVERRIDE`. */
  locked?: readonly string[]
}

/** The arguments of {@link resume}: its options plus the store and the positional arguments. */
export interface ResumeCall<T> extends ResumeOptions {
  ctx: StoreContext<T>
}

/**
 * Where to continue a run: the latest generation on the branch (the highest id), its population,
 * and the `meta` saved with it (settings, RNG state), exactly: integers past 2^53 come back as
 * `bigint`. `null` for a store with nothing saved.
 * An engine continues at `generation + 1`, never at 0.
 *
 * With `overrides`, `point.settings` holds the saved settings, the effective ones (saved plus
 * overrides) and what changed; overrides that equal the saved values change nothing. The
 * overrides are checked before anything else happens, so a refused one leaves the run untouched.
 *
 * @throws InvalidOverrideError when an override is not a saved setting, changes its type, or is locked.
 *
 * @example
 * ```ts
 * const point = await store.resume()
 * const start = point ? point.generation + 1 : 0
 * const rng = point ? restoreRng(point.meta) : newRng(seed)
 *
 * // Branch an experiment with other settings:
 * await store.branch('high-mutation', { from: 2, checkout: true })
 * const fork = await store.resume({ overrides: { mutationRate: 0.9 }, locked: ['populationSize'] })
 * fork!.settings.changed // [{ key: 'mutationRate', from: 0.2, to: 0.9 }]
 * await store.saveGeneration(fork!.generation + 1, next, { meta: { settings: fork!.settings.effective, rng } })
 * ```
 */
export async function resume<T>(options: ResumeCall<T>): Promise<ResumePoint<T> | null> {
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
  const meta = sidecar?.meta ?? null
  const settings = applyOverrides({ saved: settingsOf(meta), ...(options.overrides ? { overrides: options.overrides } : {}), ...(options.locked ? { locked: options.locked } : {}) })
  return { generation, population, meta, sidecar, commit, ref: resolved.name, settings }
}
