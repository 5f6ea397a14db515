import { DetachedHeadError, DirtyWorkingTreeError, GenerationNotFoundError } from '../errors/index.js'
import { assertGenerationId } from '../model/generation-id.js'
import { archiveTip } from './archive-refs.js'
import type { StoreContext } from './context.js'
import { generationsAt, stateAtGeneration } from './history.js'
import type { ArchivedTip } from './history-types.js'

/** Options of `store.rollback`. */
export interface RollbackOptions {
  /** Overwrite uncommitted edits in the working tree. */
  force?: boolean
}

/** The arguments of {@link rollback}: its options plus the store and the positional arguments. */
export interface RollbackCall extends RollbackOptions {
  ctx: StoreContext
  /** The generation to go back to; later generations leave the branch (and are archived). */
  generation: number
}

/** What a rollback did. */
export interface RollbackResult {
  branch: string
  /** The commit the branch now points at (the one that saved `generation`). */
  commit: string
  generation: number
  /** Where the discarded tip was kept, or `null` when there was nothing to discard. */
  archived: ArchivedTip | null
  /** With `force`: files whose uncommitted edits were overwritten. */
  discarded: string[]
}

/**
 * Moves the current branch back to generation `n`: the commit where `n` was the newest generation
 * (after an overwrite of `n`, that is before the overwrite, which is archived too). Nothing is lost: the
 * discarded tip is kept under `refs/evogit/archive/<branch>/<timestamp>` (see `archives` and
 * `restoreArchive`). Refuses to roll back to a generation the branch does not have, or past its
 * first generation, and refuses to overwrite uncommitted edits unless forced.
 *
 * @example
 * ```ts
 * const { archived } = await store.rollback(3)
 * await store.restoreArchive(archived!.id) // changed our mind
 * ```
 */
export async function rollback(options: RollbackCall): Promise<RollbackResult> {
  const { ctx, force = false } = options
  const generation = assertGenerationId(options.generation)
  return ctx.lock.run(async () => {
    const repo = ctx.repo
    const head = await repo.refs.head()
    if (!head.ref) throw new DetachedHeadError('HEAD is detached; check out a branch before rolling back', { commit: head.oid })
    const branch = head.ref.replace(/^refs\/heads\//, '')
    if (!head.oid) throw new GenerationNotFoundError(`branch ${branch} has no generations to roll back`, { generation, ref: branch })
    const ids = await generationsAt(ctx, head.oid)
    const first = ids[0]
    if (first !== undefined && generation < first) {
      throw new GenerationNotFoundError(`cannot roll back past the first generation (${first}) on ${branch}`, { generation, ref: branch })
    }
    const target = await stateAtGeneration(ctx, head.oid, generation, branch)
    if (target === head.oid) return { branch, commit: target, generation, archived: null, discarded: [] }
    const fromTree = (await repo.readCommit(head.oid)).tree
    const toTree = (await repo.readCommit(target)).tree
    const dirty = await repo.changedFiles(fromTree, toTree)
    if (dirty.length > 0 && !force) {
      throw new DirtyWorkingTreeError(
        `uncommitted changes would be lost by rolling back: ${dirty.slice(0, 10).join(', ')}${dirty.length > 10 ? ', …' : ''}; commit or move them, or force the rollback`,
        { files: dirty },
      )
    }
    const archived = await archiveTip(ctx, branch, head.oid)
    await repo.switchTree({ op: 'rollback', from: fromTree, to: toTree, move: { kind: 'ref', ref: head.ref, before: head.oid, after: target } })
    return { branch, commit: target, generation, archived, discarded: dirty }
  })
}
