import { CorruptObjectError } from '../errors/index.js'
import { parseCommitMessage } from '../model/commit-message.js'
import type { StoreContext } from './context.js'
import { bestScoreOn, currentBranch, generationsAt, readForks, walkFirstParent } from './history.js'
import type { BranchSummary } from './history-types.js'

/** The arguments of {@link branches}. */
export interface BranchesOptions {
  ctx: StoreContext
}

/**
 * Every branch with its latest generation, its best score ever, and where it forked from. Branches
 * created with native `git branch` are included; for those (and for clones, which do not carry
 * our fork records) the fork point is found in the commit graph.
 *
 * @example
 * ```ts
 * for (const b of await store.branches()) console.log(b.name, b.latestGeneration, b.bestScore, b.forkedFrom?.branch)
 * ```
 */
export async function branches(options: BranchesOptions): Promise<BranchSummary[]> {
  const { ctx } = options
  const refs = await ctx.repo.refs.list('refs/heads/')
  const current = await currentBranch(ctx)
  const forks = await readForks(ctx)
  const root = (await ctx.repo.getConfig('evogit.rootBranch')) ?? 'main'
  const tips = new Map<string, string>()
  for (const ref of refs) {
    const oid = await ctx.repo.refs.resolve(ref)
    if (oid) tips.set(ref.slice('refs/heads/'.length), oid)
  }
  const firstParents = new Map<string, string[]>()
  const lineOf = async (name: string): Promise<string[]> => {
    const cached = firstParents.get(name)
    if (cached) return cached
    const line: string[] = []
    try {
      await walkFirstParent(ctx, tips.get(name)!, ({ oid }) => {
        line.push(oid)
      })
    } catch (err) {
      // A missing commit ends the line there; the branch is marked broken below.
      if (!(err instanceof CorruptObjectError)) throw err
    }
    firstParents.set(name, line)
    return line
  }
  const out: BranchSummary[] = []
  for (const [name, tip] of tips) {
    try {
      const ids = await generationsAt(ctx, tip)
      out.push({
        name,
        current: name === current,
        commit: tip,
        latestGeneration: ids.at(-1) ?? null,
        bestScore: await bestScoreOn(ctx, tip),
        forkedFrom: await forkOf(name),
      })
    } catch (err) {
      // One broken branch must not hide the healthy ones.
      if (!(err instanceof CorruptObjectError)) throw err
      const ids = await generationsAt(ctx, tip).catch(() => [])
      out.push({ name, current: name === current, commit: tip, latestGeneration: ids.at(-1) ?? null, bestScore: null, forkedFrom: null, broken: true })
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

  async function forkOf(name: string): Promise<BranchSummary['forkedFrom']> {
    const line = await lineOf(name)
    const recorded = forks[name]
    if (recorded && line.includes(recorded.commit)) return { branch: recorded.from, generation: recorded.generation, commit: recorded.commit }
    if (name === root) return null
    // No record: the fork point is where this branch's line meets another branch's line; the
    // nearest meeting point wins, and the root branch wins ties.
    let best: { branch: string; commit: string; depth: number } | null = null
    for (const other of tips.keys()) {
      if (other === name) continue
      const otherLine = new Set(await lineOf(other))
      const depth = line.findIndex((oid) => otherLine.has(oid))
      if (depth < 0) continue
      if (!best || depth < best.depth || (depth === best.depth && other === root)) best = { branch: other, commit: line[depth]!, depth }
    }
    if (!best) return null
    const info = parseCommitMessage((await ctx.repo.readCommit(best.commit)).message)
    return { branch: best.branch, generation: info?.generation ?? null, commit: best.commit }
  }
}
