import { DirtyWorkingTreeError, DivergedError, InvalidArgumentError, RefNotFoundError } from '../errors/index.js'
import { fetchBranch } from '../git/remote.js'
import { assertRefName } from '../model/refname.js'
import type { StoreContext } from './context.js'
import { currentBranch, isAncestor } from './history.js'
import { remoteAccess, type RemoteOptions } from './push.js'

/** Options of `store.pull`. */
export interface PullOptions extends RemoteOptions {
  /** The remote branch to bring in (default: the current branch's name). */
  branch?: string
  /** The local branch to update (default: the same name). Created when missing. */
  into?: string
  /** Overwrite uncommitted edits when the updated branch is checked out. */
  force?: boolean
}

/** The arguments of {@link pull}: its options plus the store and the positional arguments. */
export interface PullCall extends PullOptions {
  ctx: StoreContext
}

/** What a pull did. */
export interface PullResult {
  branch: string
  /** `created`: new local branch; `fast-forward`: moved ahead; `up-to-date` / `ahead`: nothing to do. */
  outcome: 'created' | 'fast-forward' | 'up-to-date' | 'ahead'
  commit: string
  /** The remote's tip, also kept as `refs/remotes/<remote>/<branch>`. */
  remoteCommit: string
}

/**
 * Brings another machine's generations in: fetches a branch from an ordinary git server and
 * fast-forwards the local branch. When both sides saved different generations since they
 * parted, nothing is merged or dropped: `E_DIVERGED` says so, and the remote line stays
 * readable as `refs/remotes/<remote>/<branch>` (branch from it, compare with `diff`).
 *
 * @example
 * ```ts
 * await store.pull({ remote: 'origin', branch: 'island-3' })
 * ```
 */
export async function pull(options: PullCall): Promise<PullResult> {
  const { ctx, force = false } = options
  const access = await remoteAccess(ctx, options)
  const remote = assertRefName(options.remote ?? 'origin', 'branch')
  const branch = options.branch === undefined ? await currentBranch(ctx) : assertRefName(options.branch, 'branch')
  if (!branch) throw new RefNotFoundError('HEAD is detached; name the branch to pull', { ref: 'HEAD' })
  const into = options.into === undefined ? branch : assertRefName(options.into, 'branch')
  // Fetched branches land under refs/remotes/<remote>/, which needs the remote recorded (its
  // fetch refspec); a bare URL has nowhere to put them.
  if ((await ctx.repo.getConfig(`remote.${remote}.fetch`)) === undefined) {
    throw new InvalidArgumentError(`pull needs a recorded remote: add ${remote} with setRemote (evogit remote ${remote} <url>) first`, {
      parameter: 'remote',
      expected: 'a remote added with setRemote',
      received: remote,
    })
  }
  return ctx.lock.run(async () => {
    const repo = ctx.repo
    const fetched = await fetchBranch(repo, access, remote, branch)
    if (!fetched) throw new RefNotFoundError(`the remote has no branch ${branch}`, { ref: `${remote}/${branch}` })
    const ref = `refs/heads/${into}`
    const local = await repo.refs.resolve(ref)
    const result = (outcome: PullResult['outcome'], commit: string): PullResult => ({ branch: into, outcome, commit, remoteCommit: fetched })
    if (local === fetched) return result('up-to-date', local)
    if (local !== null && (await isAncestor(ctx, fetched, local))) return result('ahead', local)
    if (local !== null && !(await isAncestor(ctx, local, fetched))) {
      throw new DivergedError(
        `${into} and ${remote}/${branch} have each saved generations the other lacks; nothing was merged or dropped — branch from ${remote}/${branch} to keep both`,
        { branch: into, local, remote: fetched },
      )
    }
    if ((await currentBranch(ctx)) === into) {
      const fromTree = local ? (await repo.readCommit(local)).tree : null
      const toTree = (await repo.readCommit(fetched)).tree
      const dirty = await repo.changedFiles(fromTree, toTree)
      if (dirty.length > 0 && !force) {
        throw new DirtyWorkingTreeError(`uncommitted changes would be overwritten by pulling: ${dirty.slice(0, 10).join(', ')}; commit or move them, or force`, { files: dirty })
      }
      await repo.switchTree({ op: 'pull', from: fromTree, to: toTree, move: { kind: 'ref', ref, before: local, after: fetched } })
    } else {
      await repo.refs.update(ref, fetched, local)
    }
    return result(local === null ? 'created' : 'fast-forward', fetched)
  })
}
