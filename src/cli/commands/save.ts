import { Option, type Command } from 'commander'
import type { ScoresInput } from '../../model/scores.js'
import { generationArgument, readJsonInput } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import { formatScore, plural, shortCommit } from '../format/numbers.js'
import { objectiveLabel, type ObjectiveSpec } from '../../model/objectives.js'
import { objectiveFlag, objectivesOf } from '../objective-flags.js'
import { startBackgroundCompaction } from '../background-compaction.js'

interface SaveFlags {
  objective?: [string, ObjectiveSpec][]
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
    .option('--meta <json-file>', 'your own JSON to keep with the generation (settings, RNG state), kept exactly: every digit, key order, 1.0')
    .option('--objective <name:max|min>', 'the direction of an objective this save introduces (repeatable), e.g. cost:min', objectiveFlag)
    .option('--overwrite', 'replace a generation the branch already has (the old version stays in history)')
    .option('--branch <name>', 'save onto this existing branch without checking it out (island-model workers)')
    .addHelpText('after', examples('evogit save 0 gen0.json --scores scores0.json --meta settings.json', 'evogit save 1 gen1.json --scores \'{"accuracy":[…],"cost":[…]}\' --objective cost:min', 'my-engine --step | evogit save 7 - --score-field fitness', 'evogit save 12 island3.json --branch island-3'))
    .action(
      action<[number, string], SaveFlags>(cli, async (ctx, [generation, file], flags) => {
        const population = await readJsonInput({ io: ctx.io, path: file, what: 'population' })
        const scores = flags.scores === undefined ? undefined : await readJsonInput({ io: ctx.io, path: flags.scores, what: 'scores file' })
        // meta goes through digit for digit: an RNG state's 128-bit integers must not round.
        const meta = flags.meta === undefined ? undefined : await readJsonInput({ io: ctx.io, path: flags.meta, what: 'meta file', exact: true })
        const objectives = objectivesOf(flags.objective)
        const store = await ctx.open()
        const saved = await store.saveGeneration(generation, population as unknown[], {
          ...(scores === undefined ? {} : { scores: scores as ScoresInput }),
          ...(flags.scoreField === undefined ? {} : { score: flags.scoreField }),
          ...(meta === undefined ? {} : { meta }),
          ...(objectives === undefined ? {} : { objectives }),
          overwrite: flags.overwrite === true,
          ...(flags.branch === undefined ? {} : { branch: flags.branch }),
        })
        // An engine that runs `evogit save` once per generation is a new process each time, so
        // `autoCompact`'s count of saves never fills up; the repository says when it is time.
        // The generation is committed by now: nothing here may turn the save into a failure.
        let compaction: number | null = null
        const warnings = [...saved.warnings]
        try {
          if ((await store.compactionDue()).due) compaction = startBackgroundCompaction(ctx)
        } catch (err) {
          warnings.push(`could not start a background compaction: ${(err as Error).message}`)
        }
        const primary = saved.primary
        const s = primary === null ? undefined : saved.stats[primary]
        const label = primary === null || s === undefined ? '' : primary === 'score' && s.direction === 'max' ? '' : `${objectiveLabel(primary, s.direction)} `
        const failed = s && s.failed > 0 ? `${s.failed} failed, ` : ''
        const scoreText = s ? `best ${label}${formatScore(s.best)}, mean ${formatScore(s.mean)}, ${failed}` : ''
        const text =
          `Saved generation ${saved.generation} on ${saved.branch} (${shortCommit(saved.commit)}): ${scoreText}${plural(saved.populationSize, 'individual')}` +
          (saved.overwritten ? ' — replaced the previous version, which stays in history' : '') +
          (compaction === null ? '' : `\nCompacting in the background (pid ${compaction}): enough loose objects have gathered`) +
          warnings.slice(saved.warnings.length).map((w) => `\nwarning: ${w}`).join('')
        const json = { ...saved, warnings, ...(compaction === null ? {} : { compaction: { started: true, pid: compaction } }) }
        return { json, text }
      }),
    )
}
