import { bestOf } from '../../model/objective-direction.js'
import { primaryObjective } from '../../model/stats.js'
import type { LogEntry } from '../../index.js'
import type { Style } from './color.js'
import { formatScore } from './numbers.js'
import { sparkline } from './sparkline.js'
import { renderTable } from './table.js'

/**
 * Several branches' trajectories in one table, one row per generation (aligned across refs,
 * `—` where a ref lacks that generation), best and mean of the primary objective per ref, then
 * one sparkline per ref on the same generation axis, so forks line up under each other.
 *
 * @example
 * ```ts
 * renderLogs({ logs: [{ ref: 'main', entries: await store.log({ ref: 'main' }) }, { ref: 'hi', entries: await store.log({ ref: 'hi' }) }], style })
 * ```
 */
export function renderLogs(options: { logs: readonly { ref: string; entries: readonly LogEntry[] }[]; style: Style }): string {
  const { logs, style } = options
  const byGeneration = logs.map(({ entries }) => new Map(entries.map((e) => [e.generation, e])))
  const generations = [...new Set(logs.flatMap(({ entries }) => entries.map((e) => e.generation)))].sort((a, b) => a - b)
  const objective = logs.flatMap(({ entries }) => entries).map((e) => primaryObjective(e.stats)).find((o) => o !== null) ?? null
  const best = (e: LogEntry | undefined) => (objective === null || !e ? null : bestOf(e.stats[objective]))
  const mean = (e: LogEntry | undefined) => (objective === null || !e ? null : (e.stats[objective]?.mean ?? null))
  const label = objective === null || objective === 'score' ? '' : ` ${objective}`
  const table = renderTable({
    columns: [{ header: 'gen', align: 'right' }, ...logs.flatMap(({ ref }) => [{ header: `${ref} best${label}`, align: 'right' as const }, { header: `${ref} mean`, align: 'right' as const }])],
    rows: generations.map((g) => [String(g), ...byGeneration.flatMap((m) => [formatScore(best(m.get(g))), formatScore(mean(m.get(g)))])]),
    header: style.bold,
  })
  const width = Math.max(...logs.map(({ ref }) => ref.length))
  const lines = logs.map(({ ref }, i) => {
    const values = generations.map((g) => best(byGeneration[i]!.get(g)))
    const known = values.filter((v): v is number => v !== null)
    const range = known.length === 0 ? 'no scores' : `${formatScore(known[0])} → ${formatScore(known.at(-1))}`
    return `${style.dim(ref.padEnd(width))} ${style.cyan(sparkline({ values }))}  ${range}`
  })
  return `${table}\n${lines.join('\n')}\n`
}
