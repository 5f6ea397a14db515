import { EvogitError } from '../errors/index.js'
import type { StoreFs } from '../io/fs.js'
import type { Sidecar } from '../model/sidecar.js'
import { archives } from './archives.js'
import { branch } from './branch.js'
import { branches } from './branches.js'
import { checkout, type CheckoutResult } from './checkout.js'
import { autoCompactor } from './auto-compact.js'
import { compact, type CompactOptions, type CompactResult } from './compact.js'
import { compare, type CompareOptions, type CompareResult } from './compare.js'
import type { StoreContext } from './context.js'
import { diff } from './diff.js'
import { exportRows, type ExportRowsOptions } from './export-rows.js'
import type { ExportRow } from '../model/export-row.js'
import { currentBranch } from './history.js'
import type { ArchivedTip, BranchSummary, GenerationSpec, LogEntry, PopulationDiff, ResumePoint, TagSummary } from './history-types.js'
import { importGenerations, type ImportProgress, type ImportResult } from './import-generations.js'
import { listGenerations } from './list-generations.js'
import { loadGeneration, type ReadOptions } from './load-generation.js'
import { loadMetadata, type ExactReadOptions } from './load-metadata.js'
import { log } from './log.js'
import { pull, type PullOptions, type PullResult } from './pull.js'
import { push, type PushOptions, type PushResult } from './push.js'
import { restoreArchive, type RestoreArchiveResult } from './restore-archive.js'
import { resume, type ResumeOptions } from './resume.js'
import { report, type ReportOptions, type ReportResult } from './report.js'
import { rollback, type RollbackResult } from './rollback.js'
import { saveGeneration, type SaveOptions, type SaveResult } from './save-generation.js'
import { setRemote } from './set-remote.js'
import { tag } from './tag.js'
import { tags } from './tags.js'
import { verify, type VerifyProgress, type VerifyReport } from './verify.js'
import type { ObjectivesConfig } from '../model/objectives.js'
import { objectives } from './objectives-state.js'
import { pareto, type ParetoOptions, type ParetoResult } from './pareto.js'
import { setObjectives, type SetObjectivesOptions, type SetObjectivesResult } from './set-objectives.js'
import { status, type StatusReport } from './status.js'
import { commitWorkingFiles, type CommitWorkingFilesOptions, type CommitWorkingFilesResult } from './commit-working-files.js'
import { watch, type WatchOptions } from './watch.js'
import type { LineageId } from '../model/lineage.js'
import { ancestry, type LineageQueryOptions, type LineageResult } from './ancestry.js'
import { descendants } from './descendants.js'
import { origin, type OriginResult } from './origin.js'

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
  loadMetadata(generation: number, options?: ReadOptions & ExactReadOptions): Promise<Sidecar | null>

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
   * // On a branch forked to try other settings: saved, effective and changed settings.
   * const fork = await store.resume({ overrides: { mutationRate: 0.9 }, locked: ['populationSize'] })
   * fork?.settings.changed // [{ key: 'mutationRate', from: 0.2, to: 0.9 }]
   * ```
   */
  resume(options?: Omit<ResumeOptions<T>, 'ctx'>): Promise<ResumePoint<T> | null>

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
  branches(options?: { objective?: string }): Promise<BranchSummary[]>

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

  /**
   * The ancestors of an individual, as recorded with `saveGeneration(n, pop, { lineage })`: a
   * graph of nodes (generation, scores, operator) and parent → child edges, across branch forks
   * and migrants. Reads only sidecars, through a cache. See {@link ancestry}.
   * @example
   * ```ts
   * const tree = await store.ancestry('Dana #131', { depth: 5 })
   * ```
   */
  ancestry(id: LineageId, options?: LineageQueryOptions): Promise<LineageResult>

  /**
   * The descendants of an individual on a ref, the same graph in reverse. See {@link descendants}.
   * @example
   * ```ts
   * const offspring = await store.descendants('Alice #0', { generation: 0, depth: 2 })
   * ```
   */
  descendants(id: LineageId, options?: LineageQueryOptions): Promise<LineageResult>

  /**
   * The first generation in which an individual, or an identical copy of it, appeared. See {@link origin}.
   * @example
   * ```ts
   * const { first } = await store.origin('Dana #131')
   * ```
   */
  origin(id: LineageId, options?: { generation?: number; ref?: string }): Promise<OriginResult>

  /**
   * Experiments side by side (every branch, or the refs named): fork point, latest generation,
   * best ever and latest per objective, a target's first generation, differing meta. See {@link compare}.
   *
   * @example
   * ```ts
   * const { rows } = await store.compare({ refs: ['main', 'high-mutation'], target: 'score>=0.78' })
   * ```
   */
  compare(options?: Omit<CompareOptions, 'ctx'>): Promise<CompareResult>

  /**
   * Tidy rows for analysis, streamed one generation at a time: per individual (scores and
   * fields) or per generation (every statistic). See {@link exportRows}.
   *
   * @example
   * ```ts
   * for await (const row of store.exportRows({ refs: ['main'], fields: ['name'] })) console.log(row.generation, row.score, row.name)
   * ```
   */
  exportRows(options?: Omit<ExportRowsOptions<T>, 'ctx'>): AsyncIterable<ExportRow>

  /**
   * Writes one self-contained, offline HTML report of the run (charts drawn to SVG now, the data
   * model embedded as JSON), or with `html: false` returns only the data model. See {@link report}.
   *
   * @example
   * ```ts
   * const { path, bytes } = await store.report({ output: 'report.html' })
   * const { model } = await store.report({ refs: ['main', 'high-mutation'], html: false })
   * ```
   */
  report(options?: Omit<ReportOptions, 'ctx' | 'fs'>): Promise<ReportResult>

  /**
   * The objectives in force: directions, hypervolume references and the primary objective, as
   * committed in `.evogit/objectives.json` plus what `openStore` declared.
   * @example
   * ```ts
   * const { primary, objectives } = await store.objectives()
   * objectives.cost?.direction // 'min'
   * ```
   */
  objectives(options?: ReadOptions): Promise<ObjectivesConfig>

  /**
   * Declares objectives, or with `change: true` changes declared ones, in a commit of its own
   * that records the change in its message and `Objectives-Changed` trailers.
   * @example
   * ```ts
   * await store.setObjectives({ objectives: { cost: 'max' }, change: true })
   * ```
   */
  setObjectives(options: Omit<SetObjectivesOptions, 'ctx'>): Promise<SetObjectivesResult>

  /**
   * The non-dominated front of a generation with two or more objectives, each individual's rank
   * and the hypervolume (two or three objectives). See {@link pareto}.
   * @example
   * ```ts
   * const { front, hypervolume, reference } = await store.pareto(7)
   * ```
   */
  pareto(generation: number, options?: Omit<ParetoOptions<T>, 'ctx' | 'generation'>): Promise<ParetoResult<T>>

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

/** Binds the per-file operations to one context, tagging every error with the operation that raised it. */
export function createStore<T, TIn>(ctx: StoreContext<T>, fs: StoreFs): Store<T, TIn> {
  const auto = ctx.autoCompact ? autoCompactor(ctx, ctx.autoCompact) : null
  const store = tagCallers<Omit<Store<T, TIn>, 'exportRows'>>({
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
    branches: (options = {}) => branches({ ...options, ctx }),
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
    verify: (options = {}) => verify({ ...options, ctx, fs }),
    ancestry: (id, options = {}) => ancestry({ ...options, ctx, id }),
    descendants: (id, options = {}) => descendants({ ...options, ctx, id }),
    origin: (id, options = {}) => origin({ ...options, ctx, id }),
    compare: (options = {}) => compare({ ...options, ctx }),
    report: (options = {}) => report({ ...options, ctx, fs }),
    objectives: (options = {}) => objectives({ ...options, ctx }),
    setObjectives: (options) => setObjectives({ ...options, ctx }),
    pareto: (generation, options = {}) => pareto({ ...options, ctx, generation }),
    status: () => status({ ctx, fs }),
    commitWorkingFiles: (options = {}) => commitWorkingFiles({ ...options, ctx, fs }),
    watch: (options) => watch({ ...options, ctx, fs }),
  })
  // A generator is not a promise: tag its errors as they surface during iteration.
  return { ...store, exportRows: (options = {}) => tagIteration('exportRows', exportRows({ ...options, ctx })) }
}

async function* tagIteration<R>(name: string, rows: AsyncIterable<R>): AsyncGenerator<R, void, undefined> {
  try {
    yield* rows
  } catch (err) {
    if (err instanceof EvogitError && err.caller === undefined) err.caller = name
    throw err
  }
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
