import type { ExactJsonValue } from '../../model/lossless-json.js'
import type { Sidecar } from '../../model/sidecar.js'
import type { ScoreStats } from '../../model/stats.js'
import type { Style } from './color.js'
import { formatScore, inlineValue, plural, shortCommit } from './numbers.js'
import { relativeTime } from './relative-time.js'
import { renderTable } from './table.js'

/** What `evogit show --summary` reports about one generation. */
export interface GenerationSummary {
  generation: number
  ref: string
  populationSize: number
  savedAt: string | null
  stats: ScoreStats
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
  const objectives = Object.entries(s.stats)
  if (objectives.length > 0) {
    const table = renderTable({
      columns: [{ header: 'objective' }, ...['best', 'mean', 'median', 'min', 'stdev'].map((header) => ({ header, align: 'right' as const }))],
      rows: objectives.map(([name, o]) => [name, formatScore(o.max), formatScore(o.mean), formatScore(o.median), formatScore(o.min), formatScore(o.stdev)]),
      header: style.dim,
    })
    lines.push('', ...table.trimEnd().split('\n').map((l) => `  ${l}`))
  }
  return lines.join('\n') + '\n'
}
