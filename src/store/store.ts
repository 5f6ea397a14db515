import type { Sidecar } from '../model/sidecar.js'
import type { CommitWorkingFilesOptions, CommitWorkingFilesResult } from './commit-working-files.js'
import type { CompactOptions, CompactResult } from './compact.js'
import type { CompactionDue } from './compaction-due.js'
import type { ResumePoint } from './history-types.js'
import type { ImportGenerationsOptions, ImportResult } from './import-generations.js'
import type { ReadOptions } from './load-generation.js'
import type { LoadMetadataOptions } from './load-metadata.js'
import type { PullOptions, PullResult } from './pull.js'
import type { PushOptions, PushResult } from './push.js'
import type { ResumeOptions } from './resume.js'
import type { SaveOptions, SaveResult } from './save-generation.js'
import type { StatusReport } from './status.js'
import type { VerifyOptions, VerifyReport } from './verify.js'
import type { WatchOptions } from './watch.js'
import type { StoreAnalysis } from './store-analysis.js'
import type { StoreHistory } from './store-history.js'

// The public shape of an open store; `create-store.ts` binds it to the operations in this folder.

/**
 * An open store. `T` is what loading returns (the schema's output type), `TIn` what saving
 * accepts (its input type); both follow the schema given to `openStore`. Every method is the
 * operation of the same name in `src/store/`, bound to this store; the history and analysis
 * operations are declared in `store-history.ts` and `store-analysis.ts`.
 */
export interface Store<T, TIn = T> extends StoreHistory<T>, StoreAnalysis<T> {
  /** The absolute store directory. */
  readonly dir: string

  /**
   * Validates and commits one generation: `gen_<n>.json` plus its metadata sidecar, in one commit
   * on the current branch.
   * @example
   * ```ts
   * const { commit } = await store.saveGeneration(0, population, { scores, meta: { seed: 42 } })
   * ```
   */
  saveGeneration(generation: number, population: readonly TIn[], options?: SaveOptions<T>): Promise<SaveResult>

  /**
   * The population of a generation on the current branch (or `ref`), validated; `[]` when absent.
   * @example
   * ```ts
   * const population = await store.loadGeneration(3, { ref: 'high-mutation' })
   * ```
   */
  loadGeneration(generation: number, options?: ReadOptions): Promise<T[]>

  /**
   * Sorted generation ids on the current branch (or `ref`).
   * @example
   * ```ts
   * await store.listGenerations() // [0, 1, 2]
   * ```
   */
  listGenerations(options?: ReadOptions): Promise<number[]>

  /**
   * The metadata sidecar of a generation, or `null` when absent.
   * @example
   * ```ts
   * const { meta, stats } = (await store.loadMetadata(3))!
   * ```
   */
  loadMetadata(generation: number, options?: LoadMetadataOptions): Promise<Sidecar | null>

  /**
   * Imports a directory of `gen_*.json` files written by the original Python PersonaStore, one
   * commit per generation, in order.
   * @example
   * ```ts
   * await store.importGenerations({ from: 'old_persona_data' })
   * ```
   */
  importGenerations(options: ImportGenerationsOptions): Promise<ImportResult>

  /**
   * The latest generation with its population and saved `meta`, to continue at `generation + 1`;
   * `null` for an empty store.
   * @example
   * ```ts
   * const point = await store.resume()
   * // On a branch forked to try other settings: saved, effective and changed settings.
   * const fork = await store.resume({ overrides: { mutationRate: 0.9 }, locked: ['populationSize'] })
   * fork?.settings.changed // [{ key: 'mutationRate', from: 0.2, to: 0.9 }]
   * ```
   */
  resume(options?: ResumeOptions): Promise<ResumePoint<T> | null>

  /**
   * Records a remote (an ordinary git server URL, without credentials) under a name.
   * @example
   * ```ts
   * await store.setRemote('origin', 'https://git.example.org/lab/run-42.git')
   * ```
   */
  setRemote(name: string, url: string): Promise<void>

  /**
   * Pushes a branch (default: current) and optionally tags; never forces.
   * @example
   * ```ts
   * await store.push({ tags: true })
   * ```
   */
  push(options?: PushOptions): Promise<PushResult>

  /**
   * Fetches a branch and fast-forwards the local one; diverged lines are reported, never merged.
   * @example
   * ```ts
   * await store.pull({ branch: 'island-3' })
   * ```
   */
  pull(options?: PullOptions): Promise<PullResult>

  /**
   * Packs the history with native git's delta compression, outside the save path: `git
   * pack-objects` with a wide delta window, then `git repack -a -d` reusing those deltas; once
   * compacted, only what is new is packed and small packs merge geometrically (unless `full`).
   * Without native git nothing changes and the result says so. See {@link compact}.
   *
   * @example
   * ```ts
   * const { compacted, before, after, message } = await store.compact()
   * ```
   */
  compact(options?: CompactOptions): Promise<CompactResult>

  /**
   * The background compaction started by `openStore({ autoCompact })`, if one is running (its
   * result, or `null` when none runs or it failed). Await it before exiting to let it finish.
   *
   * @example
   * ```ts
   * const store = await openStore({ dir: 'runs/exp1', autoCompact: { every: 100 } })
   * // … saves …
   * await store.compaction()
   * ```
   */
  compaction(): Promise<CompactResult | null>

  /**
   * Whether enough loose objects have gathered for a compaction to be worth it, judged from the
   * repository (as `git gc --auto`), not from saves counted in this process: the CLI asks after
   * every `evogit save` and starts `compact --auto` when it is due. See {@link compactionDue}.
   *
   * @example
   * ```ts
   * if ((await store.compactionDue()).due) await store.compact({ background: true })
   * ```
   */
  compactionDue(): Promise<CompactionDue>

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
  verify(options?: VerifyOptions): Promise<VerifyReport>

  /**
   * What in the store directory is not committed: generation files another program wrote or
   * changed, the original engine's companion files, lock files, each with what to do. See {@link status}.
   * @example
   * ```ts
   * const { clean, entries } = await store.status()
   * ```
   */
  status(): Promise<StatusReport>

  /**
   * Commits `gen_<n>.json` files another program wrote (the Python engine), one commit per
   * generation, in order, byte for byte, with their companion files. See {@link commitWorkingFiles}.
   * @example
   * ```ts
   * await store.commitWorkingFiles({ generations: [30], score: 'fitness' })
   * ```
   */
  commitWorkingFiles(options?: CommitWorkingFilesOptions<T>): Promise<CommitWorkingFilesResult>

  /**
   * Commits each `gen_<n>.json` another program writes, as it appears and once it is complete
   * (lock released, content valid and stable), until `signal` aborts. See {@link watch}.
   * @example
   * ```ts
   * const stop = new AbortController()
   * process.once('SIGINT', () => stop.abort())
   * const committed = await store.watch({ signal: stop.signal })
   * ```
   */
  watch(options: WatchOptions<T>): Promise<number[]>
}
