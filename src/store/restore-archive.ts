import { DirtyWorkingTreeError, InvalidArgumentError, RefExistsError, RefNotFoundError } from '../errors/index.js'
import { assertRefName } from '../model/refname.js'
import { ARCHIVE_PREFIX, archiveTip } from './archive-refs.js'
import type { StoreContext } from './context.js'
import { currentBranch, isAncestor } from './history.js'
import type { ArchivedTip } from './history-types.js'

/** Options of `store.restoreArchive`. */
export interface RestoreArchiveOptions {
  /** Restore as a new branch with this name instead of onto the branch it came from. */
  as?: string
  /** Overwrite uncommitted edits when the restored branch is the checked-out one. */
  force?: boolean
}

/** The arguments of {@link restoreArchive}: its options plus the store and the positional arguments. */
export interface RestoreArchiveCall extends RestoreArchiveOptions {
  ctx: StoreContext
  /** An archive id (`main/20261124T033843123Z`) or full ref, as `archives()` lists them. */
  archive: string
}

/** What a restore did. */
export interface RestoreArchiveResult {
  branch: string
  commit: string
  /** The tip the branch had before, if it was set aside in turn (nothing is ever dropped). */
  archived: ArchivedTip | null
}

/**
 * Puts an archived tip back: onto the branch it came from (whose current tip is archived in turn
 * unless it is already contained in the restored history), or as a new branch with `as`. The
 * restored archive entry is removed, since its commits are on a branch again.
 *
 * @example
 * ```ts
 * await store.restoreArchive('main/20261124T033843123Z')
 * await store.restoreArchive('main/20261124T033843123Z', { as: 'before-rollback' })
 * ```
 */
export async function restoreArchive(options: RestoreArchiveCall): Promise<RestoreArchiveResult> {
  const { ctx, force = false } = options
  if (typeof options.archive !== 'string' || options.archive.length === 0) {
    throw new InvalidArgumentError('`archive` must be an archive id or ref, as listed by archives()', { parameter: 'archive', expected: 'an archive id', received: typeof options.archive })
  }
  const ref = options.archive.startsWith(ARCHIVE_PREFIX) ? options.archive : `${ARCHIVE_PREFIX}${options.archive}`
  assertRefName(ref.slice('refs/'.length), 'branch')
  const id = ref.slice(ARCHIVE_PREFIX.length)
  const branch = options.as === undefined ? id.slice(0, id.lastIndexOf('/')) : assertRefName(options.as, 'branch')
  return ctx.lock.run(async () => {
    const repo = ctx.repo
    const commit = await repo.refs.resolve(ref)
    if (!commit) throw new RefNotFoundError(`no archived tip ${id} (a restored tip leaves the archive); list the archived tips with \`evogit archive\``, { ref: id })
    const branchRef = `refs/heads/${branch}`
    const tip = await repo.refs.resolve(branchRef)
    if (options.as !== undefined && tip !== null) throw new RefExistsError(`branch ${branch} already exists; pick another name`, { ref: branchRef })
    const checkedOut = (await currentBranch(ctx)) === branch
    const fromTree = checkedOut && tip !== null ? (await repo.readCommit(tip)).tree : null
    const toTree = (await repo.readCommit(commit)).tree
    if (checkedOut) {
      const dirty = await repo.changedFiles(fromTree, toTree)
      if (dirty.length > 0 && !force) {
        throw new DirtyWorkingTreeError(`uncommitted changes would be overwritten by restoring ${id}: ${dirty.slice(0, 10).join(', ')}; commit or move them, or force`, { files: dirty })
      }
    }
    // Nothing is dropped: a tip that the restored history does not contain is archived in turn.
    let archived: ArchivedTip | null = null
    if (tip !== null && tip !== commit && !(await isAncestor(ctx, tip, commit))) archived = await archiveTip(ctx, branch, tip)
    if (checkedOut) await repo.switchTree({ op: 'restore', from: fromTree, to: toTree, move: { kind: 'ref', ref: branchRef, before: tip, after: commit } })
    else await repo.refs.update(branchRef, commit, tip)
    await repo.refs.remove(ref, commit)
    return { branch, commit, archived }
  })
}
