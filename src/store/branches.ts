import { CorruptObjectError } from '../errors/index.js'
import { parseCommitMessage } from '../model/commit-message.js'
import { assertObjectiveName } from '../model/objectives.js'
import type { StoreContext } from './context.js'
import { BranchSummaries } from './branch-summaries.js'
import { bestScoreOn, currentBranch, generationsAt, readForks, walkFirstParent } from './history.js'
import type { BranchSummary } from './history-types.js'

/** Options of `store.branches`. */
export interface BranchesOptions {
  /** Report the best ever of this objective instead of each generation's primary one. */
  objective?: string
}

/** The arguments of {@link branches}: its options plus the store and the positional arguments. */
export interface BranchesCall extends BranchesOptions {
  ctx: StoreContext
}

/**
 * Every branch with its latest generation, its best score ever (in the objective's direction:
 * the lowest for a `min` loss), and where it forked from. Branches
 * created with native `git branch` are included; for those (and for clones, which do not carry
 * our fork records) the fork point is found in the commit graph.
 *
 * Best scores and fork checks come from a cache keyed by commit (see branch-summaries.ts), so a
 * call walks only the commits saved since the last one, not every branch's whole history.
 *
 * @example
 * ```ts
 * for (const b of await store.branches()) console.log(b.name, b.latestGeneration, b.bestScore, b.forkedFrom?.branch)
 * ```
 */
export async function branches(options: BranchesCall): Promise<BranchSummary[]> {
  const { ctx } = options
  if (options.objective !== undefined) assertObjectiveName(options.objective, 'objective')
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
  const summaries = await BranchSummaries.open(ctx)
  const tipsKey = [...tips].map(([n, oid]) => `${n}=${oid}`).join(',')
  const out: BranchSummary[] = []
  for (const [name, tip] of tips) {
    try {
      const summary = await summaries.summary(tip)
      // Another objective than the primary one is walked for; the cache keeps only the primary's best.
      const best = options.objective === undefined ? summary : await bestScoreOn(ctx, tip, options.objective)
      out.push({
        name,
        current: name === current,
        commit: tip,
        latestGeneration: summary.latest,
        bestScore: best.best,
        objective: best.objective,
        direction: best.direction,
        forkedFrom: await forkOf(name, tip),
      })
    } catch (err) {
      // One broken branch must not hide the healthy ones.
      if (!(err instanceof CorruptObjectError)) throw err
      const ids = await generationsAt(ctx, tip).catch(() => [])
      out.push({ name, current: name === current, commit: tip, latestGeneration: ids.at(-1) ?? null, bestScore: null, objective: null, direction: null, forkedFrom: null, broken: true })
    }
  }
  await summaries.save()
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

  async function forkOf(name: string, tip: string): Promise<BranchSummary['forkedFrom']> {
    const recorded = forks[name]
    if (recorded && (await summaries.isOnLine(tip, recorded.commit))) return { branch: recorded.from, generation: recorded.generation, commit: recorded.commit }
    if (name === root) return null
    const key = `${name}\0${tipsKey}`
    const known = summaries.fork(key)
    if (known !== undefined) return known
    const found = await forkInGraph(name)
    summaries.rememberFork(key, found)
    return found
  }

  async function forkInGraph(name: string): Promise<BranchSummary['forkedFrom']> {
    const line = await lineOf(name)
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
