import { InvalidArgumentError as CommanderArgumentError, type Command } from 'commander'
import { objectiveLabel, OBJECTIVE_NAME } from '../../model/objectives.js'
import type { ParetoResult } from '../../index.js'
import { generationArgument } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import type { Style } from '../format/color.js'
import { formatScore, plural, shortCommit } from '../format/numbers.js'
import { renderTable } from '../format/table.js'

/** `evogit pareto <n>`: the non-dominated front of a generation and its hypervolume. */
export function registerPareto(program: Command, cli: Cli): void {
  program
    .command('pareto')
    .summary('the Pareto front of a generation scored on two or more objectives')
    .description(
      'Print the non-dominated individuals of generation n (each objective respected in its direction), their scores, and for two or three objectives the hypervolume with the reference point it was measured against (declared, else the worst value seen in the generation). --reference measures against another point.',
    )
    .argument('<n>', 'the generation id', generationArgument)
    .option('--ref <ref>', 'a branch, tag or commit instead of the current branch')
    .option('--reference <name=value>', 'a reference value for the hypervolume (repeat for each objective)', referenceFlag)
    .addHelpText('after', examples('evogit pareto 7', 'evogit pareto 7 --reference cost=100 --reference accuracy=0', 'evogit pareto 7 --json | jq \'.front[].index\''))
    .action(
      action<[number], { ref?: string; reference?: Record<string, number> }>(cli, async (ctx, [generation], flags) => {
        const store = await ctx.open()
        const result = await store.pareto(generation, { ...(flags.ref === undefined ? {} : { ref: flags.ref }), ...(flags.reference === undefined ? {} : { reference: flags.reference }) })
        return { json: result, text: renderPareto({ result, style: ctx.style }) }
      }),
    )
}

function referenceFlag(text: string, previous: Record<string, number> = {}): Record<string, number> {
  const match = /^([^=]+)=(.+)$/.exec(text)
  const value = match ? Number(match[2]) : NaN
  if (!match || !OBJECTIVE_NAME.test(match[1]!) || !Number.isFinite(value)) throw new CommanderArgumentError(`expected NAME=NUMBER, received ${JSON.stringify(text)}`)
  return { ...previous, [match[1]!]: value }
}

/** The front as a table (one row per member, one column per objective with its direction), then the hypervolume. */
export function renderPareto(options: { result: ParetoResult<unknown>; style: Style }): string {
  const { result, style } = options
  const keyOf = (individual: unknown): string => {
    const o = individual as Record<string, unknown> | null
    const key = o?.['id'] ?? o?.['name']
    return typeof key === 'string' || typeof key === 'number' ? String(key) : '—'
  }
  const table = renderTable({
    columns: [{ header: 'index', align: 'right' }, { header: 'individual' }, ...result.objectives.map((o) => ({ header: objectiveLabel(o.name, o.direction), align: 'right' as const }))],
    rows: result.front.map((m) => [String(m.index), keyOf(m.individual), ...result.objectives.map((o) => formatScore(m.scores[o.name]))]),
    header: style.bold,
  })
  const ranked = result.ranks.filter((r) => r !== null).length
  const fronts = ranked === 0 ? 0 : Math.max(...result.ranks.map((r) => r ?? 0)) + 1
  const failed = result.ranks.length - ranked
  const lines = [
    `${style.bold(`generation ${result.generation} on ${result.ref}`)} ${style.dim(`(${shortCommit(result.commit)})`)}: ${plural(result.front.length, 'individual')} on the front of ${ranked}${failed > 0 ? ` (${failed} not evaluated)` : ''}, ${plural(fronts, 'front')} in all`,
    table.trimEnd(),
  ]
  if (result.hypervolume !== null && result.reference) {
    const point = result.objectives.map((o) => `${o.name}=${formatScore(result.reference!.point[o.name])}`).join(', ')
    lines.push(`hypervolume ${formatScore(result.hypervolume)} against ${point} (${result.reference.source} reference)`)
  } else lines.push(style.dim('no hypervolume: it is computed for two or three objectives'))
  return lines.join('\n') + '\n'
}
