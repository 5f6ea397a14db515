import type { StoreContext } from './context.js'
import { currentBranch, readForks } from './history.js'
import type { BranchSummary, LogEntry } from './history-types.js'

/** A ref's whole first-parent line of generations, oldest first, as `log` read it. */
export interface RefLine {
  name: string
  entries: LogEntry[]
}

/**
 * What `branches()` says about each reported branch (tip, current, fork point), worked out from
 * the lines the report has already read instead of walking every branch again: a recorded fork
 * when its commit is on the line, else the nearest commit the line shares with another line, the
 * root branch winning ties (the rule `branches()` follows). Refs that are not branches get `null`.
 */
export async function forkPoints(ctx: StoreContext, lines: readonly RefLine[]): Promise<Map<string, BranchSummary | null>> {
  const heads = new Set((await ctx.repo.refs.list('refs/heads/')).map((r) => r.slice('refs/heads/'.length)))
  const current = await currentBranch(ctx)
  const recorded = await readForks(ctx)
  const root = (await ctx.repo.getConfig('evogit.rootBranch')) ?? 'main'
  const sets = new Map(lines.map((l) => [l.name, new Set(l.entries.map((e) => e.commit))]))
  const out = new Map<string, BranchSummary | null>()
  for (const line of lines) {
    if (!heads.has(line.name)) {
      out.set(line.name, null)
      continue
    }
    const tip = (await ctx.repo.refs.resolve(`refs/heads/${line.name}`)) ?? line.entries.at(-1)?.commit ?? ''
    let forkedFrom: BranchSummary['forkedFrom'] = null
    const record = recorded[line.name]
    if (record && sets.get(line.name)!.has(record.commit)) {
      forkedFrom = { branch: record.from, generation: record.generation, commit: record.commit }
    } else if (line.name !== root) {
      let best: { branch: string; index: number } | null = null
      for (const other of lines) {
        if (other.name === line.name || !heads.has(other.name)) continue
        const theirs = sets.get(other.name)!
        let index = -1
        for (let i = line.entries.length - 1; i >= 0; i--) {
          if (theirs.has(line.entries[i]!.commit)) {
            index = i
            break
          }
        }
        if (index < 0) continue
        if (!best || index > best.index || (index === best.index && other.name === root)) best = { branch: other.name, index }
      }
      if (best) {
        const at = line.entries[best.index]!
        forkedFrom = { branch: best.branch, generation: at.generation, commit: at.commit }
      }
    }
    out.set(line.name, {
      name: line.name,
      current: line.name === current,
      commit: tip,
      latestGeneration: line.entries.at(-1)?.generation ?? null,
      bestScore: null,
      forkedFrom,
    })
  }
  return out
}
