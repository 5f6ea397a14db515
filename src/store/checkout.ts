import { DirtyWorkingTreeError, RefNotFoundError } from '../errors/index.js'
import { assertRefName } from '../model/refname.js'
import type { StoreContext } from './context.js'

/** Options of `store.checkout`. */
export interface CheckoutOptions {
  /** Overwrite uncommitted edits in the working tree (they are listed in the result). */
  force?: boolean
}

/** The arguments of {@link checkout}: its options plus the store and the positional arguments. */
export interface CheckoutCall extends CheckoutOptions {
  ctx: StoreContext
  /** The branch to switch to. */
  name: string
}

/** What a checkout did. */
export interface CheckoutResult {
  branch: string
  commit: string | null
  /** Files written into the working tree. */
  written: string[]
  /** Files removed from it (present on the old branch only). */
  removed: string[]
  /** With `force`: files whose uncommitted edits were overwritten. */
  discarded: string[]
  /**
   * With `force`, when an earlier switch had been interrupted and could not be finished: how it
   * was resolved first (`finished`, or `rolled-back` to where its ref was).
   */
  resolvedPending?: 'finished' | 'rolled-back' | 'dropped'
}

/**
 * Switches to a branch: the working tree then shows that branch's files, `git status` is clean,
 * and later saves go to that branch. Refuses, naming the files, when uncommitted edits would be
 * overwritten, unless `force` is set: a user's edits are never silently destroyed.
 *
 * @throws InvalidRefNameError, RefNotFoundError, DirtyWorkingTreeError.
 *
 * @example
 * ```ts
 * await store.checkout('high-mutation')
 * ```
 */
export async function checkout(options: CheckoutCall): Promise<CheckoutResult> {
  const { ctx, force = false } = options
  const name = assertRefName(options.name, 'branch')
  const ref = `refs/heads/${name}`
  return ctx.lock.run(async () => {
    const repo = ctx.repo
    // An interrupted switch is resolved first, so the checkout starts from a consistent state.
    const pending = force ? await repo.resolvePending() : null
    const target = await repo.refs.resolve(ref)
    if (!target) throw new RefNotFoundError(`branch ${name} does not exist; list branches with \`evogit branch\``, { ref: name })
    const head = await repo.refs.head()
    const fromTree = head.oid ? (await repo.readCommit(head.oid)).tree : null
    const toTree = (await repo.readCommit(target)).tree
    const dirty = await repo.changedFiles(fromTree, toTree)
    if (dirty.length > 0 && !force) {
      throw new DirtyWorkingTreeError(
        `uncommitted changes would be overwritten by checking out ${name}: ${dirty.slice(0, 10).join(', ')}${dirty.length > 10 ? ', …' : ''}; commit or move them, or force the checkout`,
        { files: dirty },
      )
    }
    const { written, removed } = await repo.switchTree({ op: 'checkout', from: fromTree, to: toTree, move: { kind: 'head', before: head.ref, after: ref } })
    return { branch: name, commit: target, written, removed, discarded: dirty, ...(pending ? { resolvedPending: pending.outcome } : {}) }
  })
}
