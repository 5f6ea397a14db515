import { Option, type Command } from 'commander'
import { describeIds } from '../../model/id-ranges.js'
import type { ScoresInput } from '../../model/scores.js'
import { generationArgument, readJsonInput } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import { plural, shortCommit } from '../format/numbers.js'

interface AddFlags {
  scores?: string
  scoreField?: string
  meta?: string
  overwrite?: boolean
}

/** `evogit add [n…]`: commit gen files another program wrote, as they are. */
export function registerAdd(program: Command, cli: Cli): void {
  program
    .command('add')
    .summary('commit gen_<n>.json files another program wrote, byte for byte')
    .description(
      'Commit generation files that another program (the original Python engine, say) wrote into the store directory: one commit per generation, in ascending order, each file committed exactly as it is, with its transcripts_gen_<n>.json and the changed generation_stats.jsonl. Without n, every gen file not committed yet. A generation committed before whose file changed is committed only with --overwrite; its old version stays in history.',
    )
    .argument('[n...]', 'the generation ids (default: every uncommitted gen_<n>.json)', (value: string, previous: number[] = []) => [...previous, generationArgument(value)])
    .option('--scores <file>', 'a JSON file: one number per individual, or {"objective": [numbers…]} (one generation only)')
    .addOption(new Option('--score-field <name>', 'take each individual\'s score from this numeric field instead').conflicts('scores'))
    .option('--meta <json-file>', 'your own JSON to keep with each generation (settings, RNG state)')
    .option('--overwrite', 'commit generations whose file differs from the committed version (the old version stays in history)')
    .addHelpText('after', examples('evogit add', 'evogit add 30 --scores scores30.json', 'evogit add 29 --overwrite --score-field fitness'))
    .action(
      action<[number[] | undefined], AddFlags>(cli, async (ctx, [generations], flags) => {
        const scores = flags.scores === undefined ? undefined : await readJsonInput({ io: ctx.io, path: flags.scores, what: 'scores file' })
        const meta = flags.meta === undefined ? undefined : await readJsonInput({ io: ctx.io, path: flags.meta, what: 'meta file' })
        const store = await ctx.open()
        const result = await store.commitWorkingFiles({
          ...(generations === undefined || generations.length === 0 ? {} : { generations }),
          ...(scores === undefined ? {} : { scores: scores as ScoresInput }),
          ...(flags.scoreField === undefined ? {} : { score: flags.scoreField }),
          ...(meta === undefined ? {} : { meta }),
          overwrite: flags.overwrite === true,
        })
        const ids = result.committed.map((c) => c.generation)
        const lines = ids.length === 0 ? ['Nothing to commit'] : [`Committed ${plural(ids.length, 'generation')} (${describeIds(ids)}) on ${result.committed[0]!.branch}`]
        for (const c of result.committed) lines.push(`  ${c.generation}  ${shortCommit(c.commit)}  ${plural(c.populationSize, 'individual')}${c.companions.length ? `, with ${c.companions.join(', ')}` : ''}${c.overwritten ? ' (replaced; the old version stays in history)' : ''}`)
        if (result.unchanged.length > 0) lines.push(`already committed as they are: ${describeIds(result.unchanged)}`)
        return { json: result, text: lines.join('\n') }
      }),
    )
}
