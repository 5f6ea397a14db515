import type { StoreFs } from '../io/fs.js'
import type { Sidecar } from '../model/sidecar.js'
import type { StoreContext } from './context.js'
import { importGenerations, type ImportProgress, type ImportResult } from './import-generations.js'
import { listGenerations } from './list-generations.js'
import { loadGeneration, type ReadOptions } from './load-generation.js'
import { loadMetadata } from './load-metadata.js'
import { verify, type VerifyProgress, type VerifyReport } from './verify.js'
import { saveGeneration, type SaveOptions, type SaveResult } from './save-generation.js'

/**
 * An open store. `T` is what loading returns (the schema's output type), `TIn` what saving
 * accepts (its input type); both follow the schema given to `openStore`.
 */
export interface Store<T, TIn = T> {
  /** The absolute store directory. */
  readonly dir: string

  /**
   * Validates and commits one generation: `gen_<n>.json` plus its metadata sidecar, in one commit
   * on the current branch. See {@link saveGeneration}.
   *
   * @example
   * ```ts
   * const { commit } = await store.saveGeneration(0, population, { scores, meta: { seed: 42 } })
   * ```
   */
  saveGeneration(generation: number, population: readonly TIn[], options?: SaveOptions<T>): Promise<SaveResult>

  /**
   * The population of a generation, validated by the schema; `[]` when absent.
   *
   * @example
   * ```ts
   * const population = await store.loadGeneration(3, { ref: 'main' })
   * ```
   */
  loadGeneration(generation: number, options?: ReadOptions): Promise<T[]>

  /**
   * Sorted generation ids on the current branch (or `ref`).
   *
   * @example
   * ```ts
   * await store.listGenerations() // [0, 1, 2]
   * ```
   */
  listGenerations(options?: ReadOptions): Promise<number[]>

  /**
   * The metadata sidecar of a generation, or `null` when absent.
   *
   * @example
   * ```ts
   * const { meta, stats } = (await store.loadMetadata(3))!
   * ```
   */
  loadMetadata(generation: number, options?: ReadOptions): Promise<Sidecar | null>

  /**
   * Imports a directory of `gen_*.json` files written by the original Python PersonaStore,
   * one commit per generation in order.
   *
   * @example
   * ```ts
   * await store.importGenerations({ from: 'old_persona_data' })
   * ```
   */
  importGenerations(options: { from: string; overwrite?: boolean; onProgress?: (p: ImportProgress) => void }): Promise<ImportResult>

  /**
   * Re-reads and validates every generation and sidecar on every branch and reports leftovers of
   * crashed writers; with `repair`, repairs those first (never deleting user data). See {@link verify}.
   *
   * @example
   * ```ts
   * const report = await store.verify({ repair: true })
   * report.ok // true when every generation reads back and nothing is left over
   * ```
   */
  verify(options?: { repair?: boolean; onProgress?: (p: VerifyProgress) => void }): Promise<VerifyReport>
}

/** Binds the per-file operations to one context. */
export function createStore<T, TIn>(ctx: StoreContext<T>, fs: StoreFs): Store<T, TIn> {
  return {
    dir: ctx.dir,
    saveGeneration: (generation, population, options = {}) => saveGeneration({ ...options, ctx, generation, population }),
    loadGeneration: (generation, options = {}) => loadGeneration({ ...options, ctx, generation }),
    listGenerations: (options = {}) => listGenerations({ ...options, ctx }),
    loadMetadata: (generation, options = {}) => loadMetadata({ ...options, ctx, generation }),
    importGenerations: (options) => importGenerations({ ...options, ctx, fs }),
    verify: (options = {}) => verify({ ...options, ctx }),
  }
}
