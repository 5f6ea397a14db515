import { parseCommitMessage } from '../model/commit-message.js'
import { fromGitTime } from '../model/time.js'
import type { StoreContext } from './context.js'
import type { TagSummary } from './history-types.js'

/** The arguments of {@link tags}. */
export interface TagsOptions {
  ctx: StoreContext
}

/**
 * Every tag with the generation it marks, its message and when it was made (annotated tags;
 * lightweight tags made with native git are listed too, without message or time).
 *
 * @example
 * ```ts
 * for (const t of await store.tags()) console.log(t.name, t.generation)
 * ```
 */
export async function tags(options: TagsOptions): Promise<TagSummary[]> {
  const { ctx } = options
  const out: TagSummary[] = []
  for (const ref of await ctx.repo.refs.list('refs/tags/')) {
    const oid = await ctx.repo.refs.resolve(ref)
    if (oid) out.push(await describeTag(ctx, ref.slice('refs/tags/'.length), oid))
  }
  return out
}

/** Describes one tag from the object its ref points at. */
export async function describeTag(ctx: StoreContext, name: string, oid: string): Promise<TagSummary> {
  const obj = await ctx.repo.objects.read(oid)
  let message = ''
  let taggedAt: string | null = null
  if (obj.type === 'tag') {
    const t = await ctx.repo.readTag(oid)
    message = t.message.replace(/\s+$/, '')
    taggedAt = t.tagger ? fromGitTime(t.tagger.timestamp) : null
  }
  const peeled = await ctx.repo.peel(oid)
  const generation = peeled.type === 'commit' ? (parseCommitMessage((await ctx.repo.readCommit(peeled.oid)).message)?.generation ?? null) : null
  return { name, commit: peeled.oid, generation, message, taggedAt }
}
