import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { InvalidArgumentError } from '../../errors/index.js'
import { action, examples, type Cli } from '../runtime.js'
import { csvLine } from '../format/csv.js'
import { collect } from './compare.js'

interface ExportFlags {
  format?: string
  ref?: string[]
  fields?: string
  per?: string
  output?: string
}

/** `evogit export`: tidy CSV or JSON lines for pandas, R or a spreadsheet, streamed. */
export function registerExport(program: Command, cli: Cli): void {
  program
    .command('export')
    .summary('tidy CSV or JSON lines for analysis (pandas, R, spreadsheets)')
    .description(
      'Stream one row per generation × individual (branch, commit, generation, index, every objective\'s score and the --fields chosen; default every field of the individuals), or with --per generation one row per generation with every statistic (<objective>.best, .min, .max, .mean, .median, .stdev, .count). Oldest generation first; several --ref one after the other. CSV numbers are exact (shortest round-trip form).',
    )
    .option('--format <csv|jsonl>', 'csv (default) or jsonl (one JSON object per line)')
    .option('--ref <ref>', 'a branch, tag or commit to export (repeatable; default: the current branch)', collect)
    .option('--fields <paths>', 'comma-separated dotted field paths, e.g. name,personality_traits.openness')
    .option('--per <individual|generation>', 'one row per individual (default) or per generation')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .addHelpText(
      'after',
      examples('evogit export > runs.csv', 'evogit export --ref main --ref high-mutation --fields name,personality_traits.openness -o traits.csv', 'evogit export --per generation --format jsonl', "# python3 -c \"import pandas as pd; print(pd.read_csv('runs.csv').groupby(['branch','generation']).score.max())\""),
    )
    .action(
      action<[], ExportFlags>(cli, async (ctx, _args, flags) => {
        const format = flags.format ?? 'csv'
        if (format !== 'csv' && format !== 'jsonl') throw new InvalidArgumentError(`--format must be csv or jsonl, received ${JSON.stringify(format)}`, { parameter: 'format', expected: 'csv | jsonl', received: format })
        const per = flags.per ?? 'individual'
        if (per !== 'individual' && per !== 'generation') throw new InvalidArgumentError(`--per must be individual or generation, received ${JSON.stringify(per)}`, { parameter: 'per', expected: 'individual | generation', received: per })
        if (ctx.globals.json && flags.output === undefined) {
          throw new InvalidArgumentError('--json prints a summary document, which cannot share stdout with the rows: add -o FILE, or use --format jsonl for JSON rows', { parameter: 'json', expected: '-o FILE with --json', received: '--json without -o' })
        }
        const fields = flags.fields === undefined ? undefined : flags.fields.split(',').map((f) => f.trim())
        const store = await ctx.open()
        const rows = store.exportRows({ per, ...(flags.ref ? { refs: flags.ref } : {}), ...(fields ? { fields } : {}) })
        const target = flags.output === undefined ? null : resolve(ctx.io.cwd, flags.output)
        // A file is written next to its final name and renamed, so a failed export never leaves half a file.
        const temp = target === null ? null : `${target}.tmp-${process.pid}`
        const out: NodeJS.WritableStream = temp === null ? ctx.io.stdout : createWriteStream(temp)
        let count = 0
        try {
          for await (const row of rows) {
            const line = format === 'jsonl' ? `${JSON.stringify(row)}\n` : `${count === 0 ? csvLine(Object.keys(row)) : ''}${csvLine(Object.values(row))}`
            count++
            if (!out.write(line)) await once(out, 'drain')
          }
          if (temp !== null && target !== null) {
            const file = out as ReturnType<typeof createWriteStream>
            await new Promise<void>((done, fail) => file.end((err?: Error | null) => (err ? fail(err) : done())))
            await rename(temp, target)
          }
        } catch (err) {
          if (temp !== null) {
            ;(out as ReturnType<typeof createWriteStream>).destroy()
            await rm(temp, { force: true })
          }
          throw err
        }
        const summary = `exported ${count} ${per === 'generation' ? 'generation' : 'individual'} row${count === 1 ? '' : 's'}${target === null ? '' : ` to ${target}`}`
        return { json: { rows: count, format, per, ...(target === null ? {} : { output: target }) }, text: '', notice: summary }
      }),
    )
}
