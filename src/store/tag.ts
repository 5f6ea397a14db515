import { RefExistsError } from '../errors/index.js'
import { formatCommitMessage, parseCommitMessage } from '../model/commit-message.js'
import { assertRefName } from '../model/refname.js'
import type { StoreContext } from './context.js'
import { resolveGeneration } from './history.js'
import type { GenerationSpec, TagSummary } from './history-types.js'
import { describeTag } from './tags.js'

/** Options of `store.tag`. */
export interface TagOptions {
  /** The tag message; defaults to the generation's commit subject. */
  message?: string
}

/** The arguments of {@link tag}: its options plus the store and the positional arguments. */
export interface TagCall extends TagOptions {
  ctx: StoreContext
  name: string
  /** A generation on the current branch, or `{ ref, generation }`. */
  generation: GenerationSpec
}

/**
 * Tags a generation with an annotated tag (the best run, the one in a paper figure). The tag
 * points at the commit that saved the generation and is ordinary git: `git show <name>` works.
 *
 * @throws InvalidRefNameError, RefExistsError, GenerationNotFoundError.
 *
 * @example
 * ```ts
 * await store.tag('paper-figure-3', 42, { message: 'best run, Fig. 3' })
 * ```
 */
export async function tag(options: TagCall): Promise<TagSummary> {
  const { ctx } = options
  const name = assertRefName(options.name, 'tag')
  const target = await resolveGeneration(ctx, options.generation)
  return ctx.lock.run(async () => {
    const ref = `refs/tags/${name}`
    if ((await ctx.repo.refs.resolve(ref)) !== null) throw new RefExistsError(`tag ${name} already exists`, { ref })
    const commit = await ctx.repo.readCommit(target.commit)
    const info = parseCommitMessage(commit.message)
    const fallback = info ? formatCommitMessage(info).split('\n', 1)[0]! : `generation ${target.generation}`
    const now = ctx.clock()
    const message = `${(options.message ?? fallback).replace(/\s+$/, '')}\n`
    const oid = await ctx.repo.createTag({
      ref,
      name,
      object: target.commit,
      type: 'commit',
      tagger: { ...ctx.author, timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: 0 },
      message,
    })
    return describeTag(ctx, name, oid)
  })
}
