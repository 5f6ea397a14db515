import type { Command } from 'commander'
import { InvalidArgumentError } from '../../errors/index.js'
import { action, examples, type Cli } from '../runtime.js'
import { comparisonMatrix, groupsMatrix, renderMatrix, type MatrixFormat } from '../format/compare.js'

/** Collects a repeated option (`--ref a --ref b`) into a list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

interface CompareFlags {
  ref?: string[]
  target?: string
  sortBy?: string
  onlyChanged?: boolean
  allMeta?: boolean
  transpose?: boolean
  csv?: boolean
  md?: boolean
  groupBy?: string
}

/** `evogit compare`: experiments side by side, like `dvc exp show`. */
export function registerCompare(program: Command, cli: Cli): void {
  program
    .command('compare')
    .summary('experiments side by side: bests, fork points, differing settings')
    .description(
      'One row per branch (or per --ref: branches, tags, archived tips, origin/*, commits): where it forked and from which row, latest generation and population size, per objective the best ever (and the generation reaching it), the latest best and mean (↑ maximised, ↓ minimised), the first generation reaching --target, and the meta keys whose values differ. Read from commit trailers and one sidecar per row, so it is fast on long runs.',
    )
    .argument('[refs...]', 'the rows (default: every branch); same as --ref')
    .option('--ref <ref>', 'a row: branch, tag, archived tip, remote branch, commit, or a pattern like origin/* (repeatable)', collect)
    .option('--target <objective<=value>', 'also show the first generation reaching this, e.g. cost<=0.1 or score>=0.8')
    .option('--sort-by <column>', 'order rows by an objective (best first), a meta key, name, latestGeneration or target')
    .option('--only-changed', 'show only the meta keys that differ between rows (the default)')
    .option('--all-meta', 'show every meta key, also those equal in all rows')
    .option('--group-by <meta key>', 'aggregate rows that differ only in this key (e.g. meta.seed) into mean ± stdev')
    .option('--transpose', 'one column per row, for narrow terminals')
    .option('--csv', 'print CSV (full precision)')
    .option('--md', 'print a Markdown table')
    .addHelpText(
      'after',
      examples('evogit compare', 'evogit compare main high-mutation --target score>=0.78 --sort-by score', 'evogit compare --group-by meta.seed', "evogit compare --ref 'origin/*' --md", 'evogit compare --json | jq .rows[0].objectives'),
    )
    .action(
      action<[string[]], CompareFlags>(cli, async (ctx, [positional], flags) => {
        if (flags.csv && flags.md) throw new InvalidArgumentError('--csv and --md are two formats; pick one', { parameter: 'format', expected: 'one of --csv, --md', received: '--csv --md' })
        if (flags.allMeta && flags.onlyChanged) throw new InvalidArgumentError('--all-meta and --only-changed contradict each other', { parameter: 'all-meta', expected: 'one of them', received: 'both' })
        const store = await ctx.open()
        const refs = [...positional, ...(flags.ref ?? [])]
        const result = await store.compare({
          ...(refs.length > 0 ? { refs } : {}),
          ...(flags.target === undefined ? {} : { target: flags.target }),
          ...(flags.sortBy === undefined ? {} : { sortBy: flags.sortBy }),
          ...(flags.groupBy === undefined ? {} : { groupBy: flags.groupBy }),
          allMeta: flags.allMeta === true,
        })
        const format: MatrixFormat = flags.csv ? 'csv' : flags.md ? 'md' : 'table'
        if (result.rows.length === 0) return { json: result, text: '', notice: 'no branches to compare yet (nothing saved)' }
        const matrix = result.groups ? groupsMatrix(result, result.groups) : comparisonMatrix(result)
        return { json: result, text: renderMatrix({ matrix, format, transpose: flags.transpose === true, style: ctx.style }) }
      }),
    )
}
