// Temporary: the history half of the Store API is landing on main. Until it does, the CLI reaches
// it through this typed view, which fails with a clear message when the running library lacks a
// method. Removed once `git merge main` brings the real `Store` methods.
import type { Store } from '../store/store.js'
import type { ArchivedTip, BranchSummary, GenerationSpec, LogEntry, PopulationDiff, ResumePoint, TagSummary } from '../store/history-types.js'

/** The history operations as helper-common.md specifies them. */
export interface HistoryApi<T> {
  resume(options?: { ref?: string }): Promise<ResumePoint<T> | null>
  currentBranch(): Promise<string | null>
  branch(name: string, options?: { from?: number | { ref: string; generation: number } | string; checkout?: boolean }): Promise<BranchSummary>
  checkout(name: string, options?: { force?: boolean }): Promise<{ branch: string; commit: string | null; written: string[]; removed: string[] }>
  branches(): Promise<BranchSummary[]>
  rollback(generation: number, options?: { force?: boolean }): Promise<{ branch: string; commit: string; generation: number; archived: ArchivedTip | null }>
  archives(): Promise<ArchivedTip[]>
  restoreArchive(idOrRef: string, options?: { as?: string; force?: boolean }): Promise<{ branch: string; commit: string; archived: ArchivedTip | null }>
  tag(name: string, generation: GenerationSpec, options?: { message?: string }): Promise<TagSummary>
  tags(): Promise<TagSummary[]>
  log(options?: { ref?: string; limit?: number }): Promise<LogEntry[]>
  diff(a: GenerationSpec, b: GenerationSpec, options?: { key?: string }): Promise<PopulationDiff<T>>
}

/** A store with its history operations. */
export type CliStore = Store<unknown, unknown> & HistoryApi<unknown>

const METHODS = ['resume', 'currentBranch', 'branch', 'checkout', 'branches', 'rollback', 'archives', 'restoreArchive', 'tag', 'tags', 'log', 'diff'] as const

/** Wraps a store so that a missing history method fails with a message instead of a TypeError. */
export function withHistory(store: Store<unknown, unknown>): CliStore {
  const target = store as unknown as Record<string, unknown>
  const out: Record<string, unknown> = { ...target }
  for (const name of METHODS) {
    if (typeof target[name] !== 'function') {
      out[name] = () => Promise.reject(new Error(`this build of the evogit library has no store.${name}() yet`))
    }
  }
  return out as unknown as CliStore
}
