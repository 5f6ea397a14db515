import type { ExactJsonValue } from '../../model/lossless-json.js'
import type { Sidecar } from '../../model/sidecar.js'
import type { ScoreStats } from '../../model/stats.js'
import type { Style } from './color.js'
import { objectiveLabel } from '../../model/objectives.js'
import { formatScore, inlineValue, plural, shortCommit } from './numbers.js'
import { relativeTime } from './relative-time.js'
import { renderTable } from './table.js'

/** What `evogit show --summary` reports about one generation. */
export interface GenerationSummary {
  generation: number
  ref: string
  populationSize: number
  savedAt: string | null
  /** The objective the subject and `Best-Score` are about. */
  primary: string | null
  stats: ScoreStats
  /** Failed evaluations per objective. */
  failures: Sidecar['failures']
  /** The front and its hypervolume, for two or more objectives. */
  pareto: { front: number[]; hypervolume: number | null; reference: NonNullable<Sidecar['pareto']>['reference'] } | null
  parent: Sidecar['parent']
  meta: ExactJsonValue | null
}

/**
 * A few labelled lines about a generation, then one row of statistics per objective.
 *
 * @example
 * ```ts
 * renderSummary({ summary, style, now: new Date() })
 * ```
 */
export function renderSummary(options: { summary: GenerationSummary; style: Style; now: Date }): string {
  const { summary: s, style, now } = options
  const lines = [style.bold(`generation ${s.generation} on ${s.ref}`)]
  const field = (label: string, value: string) => lines.push(`  ${style.dim(label.padEnd(12))}${value}`)
  field('size', plural(s.populationSize, 'individual'))
  field('saved', s.savedAt === null ? '—' : `${s.savedAt} (${relativeTime({ time: s.savedAt, now })})`)
  field('parent', s.parent === null ? 'none (first generation)' : `generation ${s.parent.generation ?? '—'} (${shortCommit(s.parent.commit)})`)
  field('meta', s.meta === null ? '—' : inlineValue(s.meta, 100))
  if (s.primary !== null) field('primary', s.primary)
  if (s.pareto) {
    const hv = s.pareto.hypervolume === null ? '' : `, hypervolume ${formatScore(s.pareto.hypervolume)} (reference ${s.pareto.reference?.source ?? '—'})`
    field('pareto', `${plural(s.pareto.front.length, 'individual')} on the front${hv}`)
  }
  const objectives = Object.entries(s.stats)
  if (objectives.length > 0) {
    const table = renderTable({
      columns: [{ header: 'objective' }, ...['best', 'mean', 'median', 'min', 'max', 'stdev', 'failed'].map((header) => ({ header, align: 'right' as const }))],
      rows: objectives.map(([name, o]) => [
        `${objectiveLabel(name, o.direction)}${name === s.primary && objectives.length > 1 ? ' *' : ''}`,
        formatScore(o.best),
        formatScore(o.mean),
        formatScore(o.median),
        formatScore(o.min),
        formatScore(o.max),
        formatScore(o.stdev),
        String(o.failed),
      ]),
      header: style.dim,
    })
    lines.push('', ...table.trimEnd().split('\n').map((l) => `  ${l}`))
  }
  return lines.join('\n') + '\n'
}
