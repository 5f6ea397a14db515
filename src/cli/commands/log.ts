import type { Command } from 'commander'
import { bestOf, objectiveLabel, type Direction } from '../../model/objectives.js'
import type { LogEntry } from '../../index.js'
import { positiveIntegerArgument } from '../input.js'
import { objectiveNameArgument } from '../objective-flags.js'
import { action, examples, refLabel, type Cli } from '../runtime.js'
import type { Style } from '../format/color.js'
import { formatScore, shortCommit } from '../format/numbers.js'
import { relativeTime } from '../format/relative-time.js'
import { sparkline } from '../format/sparkline.js'
import { renderTable } from '../format/table.js'
import { collect } from './compare.js'
import { renderLogs } from '../format/trajectories.js'

/** `evogit log`: one row per generation commit, and a sparkline of the best score. */
export function registerLog(program: Command, cli: Cli): void {
  program
    .command('log')
    .summary('the generations of a branch, with scores and a sparkline')
    .description('A table with one row per generation commit on the current branch (or --ref), oldest first: when it was saved, best and mean of the primary objective (or --objective), in its direction (↑ max, ↓ min), population size and commit; then a sparkline of the best score. With --pareto, the Pareto front size and a hypervolume sparkline too. Read from commit trailers, so it is fast on long runs.')
    .option('--ref <ref>', 'a branch, tag or commit instead of the current branch; repeat it to see several trajectories side by side, aligned by generation', collect)
    .option('-n, --limit <count>', 'only the latest <count> generations', positiveIntegerArgument)
    .option('--objective <name>', 'show this objective instead of the primary one', objectiveNameArgument)
    .option('--pareto', 'add the Pareto front size and hypervolume of each generation (two or more objectives)')
    .addHelpText('after', examples('evogit log', 'evogit log --ref high-mutation -n 20', 'evogit log --ref main --ref high-mutation --ref seed-2', 'evogit log --objective cost', 'evogit log --pareto', 'evogit log --json | jq \'.entries[0].stats\''))
    .action(
      action<[], { ref?: string[]; limit?: number; objective?: string; pareto?: boolean }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const limit = flags.limit === undefined ? {} : { limit: flags.limit }
        if (flags.ref !== undefined && flags.ref.length > 1) {
          const refs = await Promise.all(flags.ref.map(async (ref) => ({ ref, entries: await store.log({ ref, ...limit }) })))
          return { json: { refs }, text: renderLogs({ logs: refs, style: ctx.style }) }
        }
        const ref = await refLabel(store, flags.ref?.[0])
        const entries = await store.log({ ...(flags.ref === undefined ? {} : { ref: flags.ref[0]! }), ...limit })
        if (entries.length === 0) return { json: { ref, entries }, text: '', notice: `no generations on ${ref} yet` }
        const options = { entries, ref, style: ctx.style, now: ctx.now, pareto: flags.pareto === true, ...(flags.objective === undefined ? {} : { objective: flags.objective }) }
        return { json: { ref, ...(flags.objective === undefined ? {} : { objective: flags.objective }), entries }, text: renderLog(options) }
      }),
    )
}

/** The log table, oldest first (the order a run reads in), and the best-score sparkline under it. */
export function renderLog(options: { entries: readonly LogEntry[]; ref: string; style: Style; now: Date; objective?: string; pareto?: boolean }): string {
  const { style, now } = options
  const chronological = [...options.entries].reverse()
  const nameOf = (e: LogEntry) => options.objective ?? e.primary
  const statsOf = (e: LogEntry) => {
    const name = nameOf(e)
    return name === null ? undefined : e.stats[name]
  }
  // The newest generation's objective and direction label the columns.
  const newest = options.entries[0]
  const name = newest ? nameOf(newest) : null
  const direction: Direction = (newest && statsOf(newest)?.direction) ?? 'max'
  const label = name === null ? '' : ` ${objectiveLabel(name, direction)}`
  const anyFailed = chronological.some((e) => (statsOf(e)?.failed ?? 0) > 0)
  const pareto = options.pareto === true
  const table = renderTable({
    columns: [
      { header: 'gen', align: 'right' },
      { header: 'saved' },
      { header: `best${label}`, align: 'right' },
      { header: 'mean', align: 'right' },
      ...(anyFailed ? [{ header: 'failed', align: 'right' as const }] : []),
      { header: 'size', align: 'right' },
      ...(pareto ? [{ header: 'front', align: 'right' as const }, { header: 'hypervolume', align: 'right' as const }] : []),
      { header: 'commit' },
    ],
    rows: chronological.map((e) => [
      String(e.generation),
      relativeTime({ time: e.time, now }),
      formatScore(statsOf(e)?.best),
      formatScore(statsOf(e)?.mean),
      ...(anyFailed ? [String(statsOf(e)?.failed ?? '—')] : []),
      e.populationSize === null ? '—' : String(e.populationSize),
      ...(pareto ? [e.pareto === null ? '—' : String(e.pareto.frontSize), formatScore(e.pareto?.hypervolume)] : []),
      style.dim(shortCommit(e.commit)),
    ]),
    header: style.bold,
  })
  const bests = chronological.map((e) => statsOf(e)?.best ?? null)
  const known = bests.filter((b): b is number => b !== null)
  let trend =
    known.length === 0
      ? ''
      : `\n${style.dim('best')} ${style.cyan(sparkline({ values: bests, direction }))}  ${formatScore(known[0])} → ${formatScore(known[known.length - 1])} (${direction} ${formatScore(bestOf(known, direction))})\n`
  if (pareto) {
    const volumes = chronological.map((e) => e.pareto?.hypervolume ?? null)
    const seen = volumes.filter((v): v is number => v !== null)
    trend +=
      seen.length === 0
        ? `\n${style.dim('no hypervolume: these generations have fewer than two objectives (or more than three)')}\n`
        : `${trend === '' ? '\n' : ''}${style.dim('hv  ')} ${style.cyan(sparkline({ values: volumes }))}  ${formatScore(seen[0])} → ${formatScore(seen[seen.length - 1])} (max ${formatScore(Math.max(...seen))})\n`
  }
  return table + trend
}
