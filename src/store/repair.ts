import type { LockTakeover } from '../io/lock.js'
import type { RepairResult } from '../git/leftovers.js'
import type { Repository } from '../git/repository.js'

export type { LeftoverProblem, RepairAction, RepairResult } from '../git/leftovers.js'

/** The arguments of {@link repairStore}. */
export interface RepairStoreOptions {
  repo: Repository
  /**
   * Set when the write lock was just taken over from a crashed holder. Only then may git's own
   * `.lock` files be removed, and only those the crashed holder could have made.
   */
  takeover?: LockTakeover | null
  /** Report leftovers without changing anything. */
  dryRun?: boolean
}

/**
 * Detects and repairs what a crashed writer can leave behind: the rules (temp files, an index
 * lagging HEAD, an interrupted switch, git `.lock` files) live with the `.git` layout they
 * inspect, in `git/leftovers.ts`. Must run under the store's write lock (or with `dryRun`).
 *
 * @example
 * ```ts
 * const { actions } = await ctx.lock.run(() => repairStore({ repo: ctx.repo }))
 * ```
 */
export async function repairStore(options: RepairStoreOptions): Promise<RepairResult> {
  return options.repo.repair({ takeover: options.takeover ?? null, dryRun: options.dryRun ?? false })
}
