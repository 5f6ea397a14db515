import type { BranchOptions } from './branch.js'
import type { BranchesOptions } from './branches.js'
import type { CheckoutOptions, CheckoutResult } from './checkout.js'
import type { DiffOptions } from './diff.js'
import type { ArchivedTip, BranchSummary, GenerationSpec, LogEntry, PopulationDiff, TagSummary } from './history-types.js'
import type { LogOptions } from './log.js'
import type { RestoreArchiveOptions, RestoreArchiveResult } from './restore-archive.js'
import type { RollbackOptions, RollbackResult } from './rollback.js'
import type { TagOptions } from './tag.js'

/**
 * The branch, tag and history operations of a {@link Store}: forking experiments, moving back,
 * archived tips, tags, the log and population diffs.
 */
export interface StoreHistory<T> {
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
  branch(name: string, options?: BranchOptions): Promise<BranchSummary>

  /**
   * Switches branches; refuses to overwrite uncommitted edits unless `force`.
   * @example
   * ```ts
   * await store.checkout('main')
   * ```
   */
  checkout(name: string, options?: CheckoutOptions): Promise<CheckoutResult>

  /**
   * Every branch with its latest generation, best score and fork point.
   * @example
   * ```ts
   * const list = await store.branches()
   * ```
   */
  branches(options?: BranchesOptions): Promise<BranchSummary[]>

  /**
   * Moves the current branch back to generation `n`, archiving the discarded tip.
   * @example
   * ```ts
   * const { archived } = await store.rollback(3)
   * ```
   */
  rollback(generation: number, options?: RollbackOptions): Promise<RollbackResult>

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
  restoreArchive(archive: string, options?: RestoreArchiveOptions): Promise<RestoreArchiveResult>

  /**
   * Tags a generation with an annotated tag.
   * @example
   * ```ts
   * await store.tag('best-run', 42)
   * ```
   */
  tag(name: string, generation: GenerationSpec, options?: TagOptions): Promise<TagSummary>

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
  log(options?: LogOptions): Promise<LogEntry[]>

  /**
   * Semantic diff of two populations.
   * @example
   * ```ts
   * const d = await store.diff(3, { ref: 'high-mutation', generation: 5 })
   * ```
   */
  diff(from: GenerationSpec, to: GenerationSpec, options?: DiffOptions): Promise<PopulationDiff<T>>
}
