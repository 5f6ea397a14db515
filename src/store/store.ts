import { EvogitError } from '../errors/index.js'
import type { StoreFs } from '../io/fs.js'
import type { Sidecar } from '../model/sidecar.js'
import { archives } from './archives.js'
import { branch } from './branch.js'
import { branches } from './branches.js'
import { checkout, type CheckoutResult } from './checkout.js'
import { autoCompactor } from './auto-compact.js'
import { compact, type CompactOptions, type CompactResult } from './compact.js'
import type { StoreContext } from './context.js'
import { diff } from './diff.js'
import { currentBranch } from './history.js'
import type { ArchivedTip, BranchSummary, GenerationSpec, LogEntry, PopulationDiff, ResumePoint, TagSummary } from './history-types.js'
import { importGenerations, type ImportProgress, type ImportResult } from './import-generations.js'
import { listGenerations } from './list-generations.js'
import { loadGeneration, type ReadOptions } from './load-generation.js'
import { loadMetadata } from './load-metadata.js'
import { log } from './log.js'
import { pull, type PullOptions, type PullResult } from './pull.js'
import { push, type PushOptions, type PushResult } from './push.js'
import { restoreArchive, type RestoreArchiveResult } from './restore-archive.js'
import { resume } from './resume.js'
import { rollback, type RollbackResult } from './rollback.js'
import { saveGeneration, type SaveOptions, type SaveResult } from './save-generation.js'
import { setRemote } from './set-remote.js'
import { tag } from './tag.js'
import { tags } from './tags.js'
import { verify, type VerifyProgress, type VerifyReport } from './verify.js'

/**
 * An open store. `T` is what loading returns (the schema's output type), `TIn` what saving
 * accepts (its input type); both follow the schema given to `openStore`. Every method is the
 * operation of the same name in `src/store/`, bound to this store.
 */
export interface Store<T, TIn = T> {
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
  loadMetadata(generation: number, options?: ReadOptions): Promise<Sidecar | null>

  /**
   * Imports a directory of `gen_*.json` files written by the original Python PersonaStore, one
   * commit per generation, in order.
   * @example
   * ```ts
   * await store.importGenerations({ from: 'old_persona_data' })
   * ```
   */
  importGenerations(options: { from: string; overwrite?: boolean; onProgress?: (p: ImportProgress) => void }): Promise<ImportResult>

  /**
   * The latest generation with its population and saved `meta`, to continue at `generation + 1`;
   * `null` for an empty store.
   * @example
   * ```ts
   * const point = await store.resume()
   * ```
   */
  resume(options?: ReadOptions): Promise<ResumePoint<T> | null>

  /**
   * The checked-out branch, or `null` when HEAD is detached.
   * @example
   * ```ts
   * await store.currentBranch() // 'main'
   * ```
   */
  currentBranch(): Promise<string | null>

  /**
   * Creates a branch at the commit that saved generation `from` (or at a ref, or the current tip).
   * @example
   * ```ts
   * await store.branch('high-mutation', { from: 3, checkout: true })
   * ```
   */
  branch(name: string, options?: { from?: GenerationSpec | string; checkout?: boolean }): Promise<BranchSummary>

  /**
   * Switches branches; refuses to overwrite uncommitted edits unless `force`.
   * @example
   * ```ts
   * await store.checkout('main')
   * ```
   */
  checkout(name: string, options?: { force?: boolean }): Promise<CheckoutResult>

  /**
   * Every branch with its latest generation, best score and fork point.
   * @example
   * ```ts
   * const list = await store.branches()
   * ```
   */
  branches(): Promise<BranchSummary[]>

  /**
   * Moves the current branch back to generation `n`, archiving the discarded tip.
   * @example
   * ```ts
   * const { archived } = await store.rollback(3)
   * ```
   */
  rollback(generation: number, options?: { force?: boolean }): Promise<RollbackResult>

  /**
   * Tips set aside by rollbacks, newest first.
   * @example
   * ```ts
   * const list = await store.archives()
   * ```
   */
  archives(): Promise<ArchivedTip[]>

  /**
   * Puts an archived tip back onto its branch, or as a new branch `as`.
   * @example
   * ```ts
   * await store.restoreArchive(list[0].id)
   * ```
   */
  restoreArchive(archive: string, options?: { as?: string; force?: boolean }): Promise<RestoreArchiveResult>

  /**
   * Tags a generation with an annotated tag.
   * @example
   * ```ts
   * await store.tag('best-run', 42)
   * ```
   */
  tag(name: string, generation: GenerationSpec, options?: { message?: string }): Promise<TagSummary>

  /**
   * Every tag with the generation it marks.
   * @example
   * ```ts
   * const list = await store.tags()
   * ```
   */
  tags(): Promise<TagSummary[]>

  /**
   * One entry per generation, newest first, read from commit trailers.
   * @example
   * ```ts
   * const entries = await store.log({ limit: 20 })
   * ```
   */
  log(options?: ReadOptions & { limit?: number }): Promise<LogEntry[]>

  /**
   * Semantic diff of two populations.
   * @example
   * ```ts
   * const d = await store.diff(3, { ref: 'high-mutation', generation: 5 })
   * ```
   */
  diff(from: GenerationSpec, to: GenerationSpec, options?: { key?: string }): Promise<PopulationDiff<T>>

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
  push(options?: Omit<PushOptions, 'ctx'>): Promise<PushResult>

  /**
   * Fetches a branch and fast-forwards the local one; diverged lines are reported, never merged.
   * @example
   * ```ts
   * await store.pull({ branch: 'island-3' })
   * ```
   */
  pull(options?: Omit<PullOptions, 'ctx'>): Promise<PullResult>

  /**
   * Packs the history with native git's delta compression (`git repack -a -d -f`), outside the
   * save path. Without native git nothing changes and the result says so. See {@link compact}.
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

/** Binds the per-file operations to one context, tagging every error with the operation that raised it. */
export function createStore<T, TIn>(ctx: StoreContext<T>, fs: StoreFs): Store<T, TIn> {
  const auto = ctx.autoCompact ? autoCompactor(ctx, ctx.autoCompact) : null
  return tagCallers({
    dir: ctx.dir,
    saveGeneration: async (generation, population, options = {}) => {
      const saved = await saveGeneration({ ...options, ctx, generation, population })
      auto?.afterSave()
      return saved
    },
    loadGeneration: (generation, options = {}) => loadGeneration({ ...options, ctx, generation }),
    listGenerations: (options = {}) => listGenerations({ ...options, ctx }),
    loadMetadata: (generation, options = {}) => loadMetadata({ ...options, ctx, generation }),
    importGenerations: (options) => importGenerations({ ...options, ctx, fs }),
    resume: (options = {}) => resume({ ...options, ctx }),
    currentBranch: () => currentBranch(ctx),
    branch: (name, options = {}) => branch({ ...options, ctx, name }),
    checkout: (name, options = {}) => checkout({ ...options, ctx, name }),
    branches: () => branches({ ctx }),
    rollback: (generation, options = {}) => rollback({ ...options, ctx, generation }),
    archives: () => archives({ ctx }),
    restoreArchive: (archive, options = {}) => restoreArchive({ ...options, ctx, archive }),
    tag: (name, generation, options = {}) => tag({ ...options, ctx, name, generation }),
    tags: () => tags({ ctx }),
    log: (options = {}) => log({ ...options, ctx }),
    diff: (from, to, options = {}) => diff({ ...options, ctx, from, to }),
    setRemote: (name, url) => setRemote({ ctx, name, url }),
    push: (options = {}) => push({ ...options, ctx }),
    pull: (options = {}) => pull({ ...options, ctx }),
    compact: (options = {}) => compact({ ...options, ctx }),
    compaction: () => auto?.running() ?? Promise.resolve(null),
    verify: (options = {}) => verify({ ...options, ctx }),
  })
}

/**
 * Wraps every method so that an {@link EvogitError} it throws names the public operation
 * (`err.caller === 'saveGeneration'`), as isomorphic-git does; errors raised deep inside a
 * shared helper would otherwise not say which call they came from.
 */
function tagCallers<S extends object>(store: S): S {
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') continue
    const method = value as (...args: unknown[]) => Promise<unknown>
    ;(store as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await method(...args)
      } catch (err) {
        if (err instanceof EvogitError && err.caller === undefined) err.caller = name
        throw err
      }
    }
  }
  return store
}
