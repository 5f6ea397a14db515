import { InvalidArgumentError, RefExistsError, RefNotFoundError } from '../errors/index.js'
import { parseCommitMessage } from '../model/commit-message.js'
import { assertRefName } from '../model/refname.js'
import { formatUtc } from '../model/time.js'
import { resolveRef, type StoreContext } from './context.js'
import { currentBranch, resolveGeneration, writeFork } from './history.js'
import type { BranchSummary, GenerationSpec } from './history-types.js'
import { branches } from './branches.js'
import { checkout } from './checkout.js'

/** Options of `store.branch`. */
export interface BranchOptions {
  /**
   * Where the branch starts: a generation on the current branch (`3`), a generation on another
   * ref (`{ ref: 'main', generation: 3 }`), or a branch, tag or commit (`'v1'`, `'3f2a…'`).
   * Defaults to the tip of the current branch.
   */
  from?: GenerationSpec | string
  /** Switch to the new branch, so the next save goes there. */
  checkout?: boolean
}

/** The arguments of {@link branch}: its options plus the store and the positional arguments. */
export interface BranchCall extends BranchOptions {
  ctx: StoreContext
  name: string
}

/**
 * Creates a branch at generation N: the commit where N was the newest generation (normally the
 * one that saved it). Fork an experiment there to try other evolution settings, while the
 * original line stays as it was.
 *
 * @returns The new branch as {@link branches} describes it.
 * @throws InvalidRefNameError, RefExistsError, GenerationNotFoundError, RefNotFoundError.
 *
 * @example
 * ```ts
 * await store.branch('high-mutation', { from: 3, checkout: true })
 * await store.saveGeneration(4, mutated, { meta: { mutationRate: 0.5 } })
 * ```
 */
export async function branch(options: BranchCall): Promise<BranchSummary> {
  const { ctx } = options
  const name = assertRefName(options.name, 'branch')
  let target: { commit: string; generation: number | null }
  if (options.from === undefined || typeof options.from === 'string') {
    const resolved = await resolveRef(ctx, options.from)
    if (!resolved.commit) throw new RefNotFoundError(`${resolved.name} has no commits yet; save a generation before branching`, { ref: resolved.name })
    const info = parseCommitMessage((await ctx.repo.readCommit(resolved.commit)).message)
    target = { commit: resolved.commit, generation: info?.generation ?? null }
  } else if (typeof options.from === 'number' || (typeof options.from === 'object' && options.from !== null)) {
    const g = await resolveGeneration(ctx, options.from, 'from', { state: true })
    target = { commit: g.commit, generation: g.generation }
  } else {
    throw new InvalidArgumentError('`from` must be a generation, { ref, generation }, or a ref', { parameter: 'from', expected: 'number | { ref, generation } | string', received: typeof options.from })
  }
  const fromBranch =
    typeof options.from === 'object' && options.from !== null ? options.from.ref : typeof options.from === 'string' ? options.from : ((await currentBranch(ctx)) ?? 'HEAD')
  await ctx.lock.run(async () => {
    const ref = `refs/heads/${name}`
    if ((await ctx.repo.refs.resolve(ref)) !== null) throw new RefExistsError(`branch ${name} already exists; pick another name or check it out`, { ref })
    await ctx.repo.refs.update(ref, target.commit, null)
    await writeFork(ctx, name, { from: fromBranch, generation: target.generation, commit: target.commit, createdAt: formatUtc(ctx.clock()) })
  })
  if (options.checkout) await checkout({ ctx, name })
  const summary = (await branches({ ctx })).find((b) => b.name === name)
  if (!summary) throw new RefNotFoundError(`branch ${name} vanished right after it was created`, { ref: name })
  return summary
}
