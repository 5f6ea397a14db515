import { Option, type Command } from 'commander'
import type { ScoresInput } from '../../model/scores.js'
import { generationArgument, readJsonInput } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import { formatScore, plural, shortCommit } from '../format/numbers.js'
import { primaryObjective } from '../../model/stats.js'

interface SaveFlags {
  scores?: string
  scoreField?: string
  meta?: string
  overwrite?: boolean
  branch?: string
}

/** `evogit save <n> [file|-]`: commit one generation. */
export function registerSave(program: Command, cli: Cli): void {
  program
    .command('save')
    .summary('commit a generation from a JSON file or stdin')
    .description('Validate a population (a JSON array of individuals) and commit it as generation n on the current branch: gen_<n>.json plus its metadata sidecar, in one commit.')
    .argument('<n>', 'the generation id', generationArgument)
    .argument('[file]', 'the population as a JSON array; - or nothing reads stdin', '-')
    .option('--scores <file>', 'a JSON file: one number per individual, or {"objective": [numbers…]}')
    .addOption(new Option('--score-field <name>', 'take each individual\'s score from this numeric field instead').conflicts('scores'))
    .option('--meta <json-file>', 'your own JSON to keep with the generation (settings, RNG state)')
    .option('--overwrite', 'replace a generation the branch already has (the old version stays in history)')
    .option('--branch <name>', 'save onto this existing branch without checking it out (island-model workers)')
    .addHelpText('after', examples('evogit save 0 gen0.json --scores scores0.json --meta settings.json', 'my-engine --step | evogit save 7 - --score-field fitness', 'evogit save 12 island3.json --branch island-3'))
    .action(
      action<[number, string], SaveFlags>(cli, async (ctx, [generation, file], flags) => {
        const population = await readJsonInput({ io: ctx.io, path: file, what: 'population' })
        const scores = flags.scores === undefined ? undefined : await readJsonInput({ io: ctx.io, path: flags.scores, what: 'scores file' })
        const meta = flags.meta === undefined ? undefined : await readJsonInput({ io: ctx.io, path: flags.meta, what: 'meta file' })
        const store = await ctx.open()
        const saved = await store.saveGeneration(generation, population as unknown[], {
          ...(scores === undefined ? {} : { scores: scores as ScoresInput }),
          ...(flags.scoreField === undefined ? {} : { score: flags.scoreField }),
          ...(meta === undefined ? {} : { meta }),
          overwrite: flags.overwrite === true,
          ...(flags.branch === undefined ? {} : { branch: flags.branch }),
        })
        const primary = primaryObjective(saved.stats)
        const s = primary === null ? null : saved.stats[primary]
        const scoreText = s ? `best ${formatScore(s.max)}, mean ${formatScore(s.mean)}, ` : ''
        const text =
          `Saved generation ${saved.generation} on ${saved.branch} (${shortCommit(saved.commit)}): ${scoreText}${plural(saved.populationSize, 'individual')}` +
          (saved.overwritten ? ' — replaced the previous version, which stays in history' : '')
        return { json: saved, text }
      }),
    )
}
