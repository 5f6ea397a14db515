import { parseCommitMessage } from '../model/commit-message.js'
import { formatStamp, parseStamp } from '../model/time.js'
import type { StoreContext } from './context.js'
import { generationsAt } from './history.js'
import type { ArchivedTip } from './history-types.js'

/**
 * Tips set aside by rollback live under this prefix. Being refs, they keep their commits
 * reachable, so native `git gc` never prunes them, and they travel with `git push --mirror`.
 */
export const ARCHIVE_PREFIX = 'refs/evogit/archive/'

/** Sets `tip` of `branch` aside under a fresh, timestamped archive ref. Call under the write lock. */
export async function archiveTip(ctx: StoreContext, branch: string, tip: string): Promise<ArchivedTip> {
  const stamp = formatStamp(ctx.clock())
  for (let n = 0; ; n++) {
    const ref = `${ARCHIVE_PREFIX}${branch}/${stamp}${n === 0 ? '' : `-${n}`}`
    if ((await ctx.repo.refs.resolve(ref)) !== null) continue
    await ctx.repo.refs.update(ref, tip, null)
    return describeArchive(ctx, ref, tip)
  }
}

/** An archive ref as a plain description. */
export async function describeArchive(ctx: StoreContext, ref: string, commit: string): Promise<ArchivedTip> {
  const id = ref.slice(ARCHIVE_PREFIX.length)
  const slash = id.lastIndexOf('/')
  const stamp = id.slice(slash + 1)
  const ids = await generationsAt(ctx, commit)
  const info = parseCommitMessage((await ctx.repo.readCommit(commit)).message)
  return {
    ref,
    id,
    branch: id.slice(0, slash),
    commit,
    archivedAt: parseStamp(stamp) ?? stamp,
    latestGeneration: ids.at(-1) ?? info?.generation ?? null,
  }
}
