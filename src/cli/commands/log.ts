import type { Command } from 'commander'
import { primaryObjective } from '../../model/stats.js'
import type { LogEntry } from '../../index.js'
import { positiveIntegerArgument } from '../input.js'
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
    .description('A table with one row per generation commit on the current branch (or --ref), oldest first: when it was saved, best and mean of the primary objective, population size and commit; then a sparkline of the best score. Read from commit trailers, so it is fast on long runs.')
    .option('--ref <ref>', 'a branch, tag or commit instead of the current branch; repeat it to see several trajectories side by side, aligned by generation', collect)
    .option('-n, --limit <count>', 'only the latest <count> generations', positiveIntegerArgument)
    .addHelpText('after', examples('evogit log', 'evogit log --ref high-mutation -n 20', 'evogit log --ref main --ref high-mutation --ref seed-2', 'evogit log --json | jq \'.entries[0].stats\''))
    .action(
      action<[], { ref?: string[]; limit?: number }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const limit = flags.limit === undefined ? {} : { limit: flags.limit }
        if (flags.ref !== undefined && flags.ref.length > 1) {
          const refs = await Promise.all(flags.ref.map(async (ref) => ({ ref, entries: await store.log({ ref, ...limit }) })))
          return { json: { refs }, text: renderLogs({ logs: refs, style: ctx.style }) }
        }
        const ref = await refLabel(store, flags.ref?.[0])
        const entries = await store.log({ ...(flags.ref === undefined ? {} : { ref: flags.ref[0]! }), ...limit })
        if (entries.length === 0) return { json: { ref, entries }, text: '', notice: `no generations on ${ref} yet` }
        return { json: { ref, entries }, text: renderLog({ entries, ref, style: ctx.style, now: ctx.now }) }
      }),
    )
}

/** The log table, oldest first (the order a run reads in), and the best-score sparkline under it. */
export function renderLog(options: { entries: readonly LogEntry[]; ref: string; style: Style; now: Date }): string {
  const { style, now } = options
  const chronological = [...options.entries].reverse()
  const best = (e: LogEntry) => {
    const primary = primaryObjective(e.stats)
    return primary === null ? null : (e.stats[primary]?.max ?? null)
  }
  const mean = (e: LogEntry) => {
    const primary = primaryObjective(e.stats)
    return primary === null ? null : (e.stats[primary]?.mean ?? null)
  }
  const table = renderTable({
    columns: [
      { header: 'gen', align: 'right' },
      { header: 'saved' },
      { header: 'best', align: 'right' },
      { header: 'mean', align: 'right' },
      { header: 'size', align: 'right' },
      { header: 'commit' },
    ],
    rows: chronological.map((e) => [
      String(e.generation),
      relativeTime({ time: e.time, now }),
      formatScore(best(e)),
      formatScore(mean(e)),
      e.populationSize === null ? '—' : String(e.populationSize),
      style.dim(shortCommit(e.commit)),
    ]),
    header: style.bold,
  })
  const bests = chronological.map(best)
  const known = bests.filter((b): b is number => b !== null)
  const trend =
    known.length === 0
      ? ''
      : `\n${style.dim('best')} ${style.cyan(sparkline({ values: bests }))}  ${formatScore(known[0])} → ${formatScore(known[known.length - 1])} (max ${formatScore(Math.max(...known))})\n`
  return table + trend
}
