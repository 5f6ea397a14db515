import type { Command } from 'commander'
import { objectiveLabel, type ObjectiveSpec, type ObjectivesConfig } from '../../model/objectives.js'
import { objectiveFlag, objectiveNameArgument, objectivesOf } from '../objective-flags.js'
import { action, examples, type Cli } from '../runtime.js'
import type { Style } from '../format/color.js'
import { formatScore, shortCommit } from '../format/numbers.js'
import { renderTable } from '../format/table.js'

/** `evogit objectives [name:dir…]`: show, declare or (with --change) change directions. */
export function registerObjectives(program: Command, cli: Cli): void {
  program
    .command('objectives')
    .summary('show or declare the direction (max/min) of each objective')
    .description(
      'Without arguments, print the objectives declared on the current branch: direction, hypervolume reference, and the primary objective. With NAME:max or NAME:min (optionally NAME:min:REFERENCE), declare them in a commit of its own; changing a declared direction, reference or primary needs --change, and the commit records what changed. Undeclared objectives are max.',
    )
    .argument('[objectives...]', 'NAME:max | NAME:min[:REFERENCE]')
    .option('--primary <name>', 'the objective that headlines subjects, Best-Score, log and branches', objectiveNameArgument)
    .option('--change', 'allow changing what is already declared (recorded in history)')
    .addHelpText('after', examples('evogit objectives', 'evogit objectives cost:min accuracy:max --primary accuracy', 'evogit objectives cost:max --change'))
    .action(
      action<[string[]], { primary?: string; change?: boolean }>(cli, async (ctx, [specs], flags) => {
        const store = await ctx.open()
        const parsed = specs.reduce<[string, ObjectiveSpec][]>((acc, text) => objectiveFlag(text, acc), [])
        if (parsed.length === 0 && flags.primary === undefined) {
          const config = await store.objectives()
          return { json: config, text: renderObjectives({ config, style: ctx.style }) }
        }
        const objectives = objectivesOf(parsed)
        const result = await store.setObjectives({ ...(objectives ? { objectives } : {}), ...(flags.primary === undefined ? {} : { primary: flags.primary }), change: flags.change === true })
        const text =
          result.commit === null
            ? `Nothing to change on ${result.branch}: the objectives are already declared so`
            : `Recorded on ${result.branch} (${shortCommit(result.commit)}):\n${result.changes.map((c) => `  ${c}`).join('\n')}`
        return { json: result, text }
      }),
    )
}

/** The declared objectives as a table, the primary one marked. */
export function renderObjectives(options: { config: ObjectivesConfig; style: Style }): string {
  const { config, style } = options
  const names = Object.keys(config.objectives).sort()
  if (names.length === 0) return `no objectives declared: every objective is max${config.primary ? `; primary ${config.primary}` : ''}\n`
  return (
    renderTable({
      columns: [{ header: 'objective' }, { header: 'direction' }, { header: 'reference', align: 'right' }, { header: 'primary' }],
      rows: names.map((name) => {
        const spec = config.objectives[name]!
        return [objectiveLabel(name, spec.direction), spec.direction, formatScore(spec.reference), name === config.primary ? '*' : '']
      }),
      header: style.bold,
    }) + (config.primary !== null && !names.includes(config.primary) ? `primary: ${config.primary}\n` : '')
  )
}
