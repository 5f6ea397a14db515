/**
 * Which individual of a generation is "best". Kept in this one function, so that lineage, the
 * CLI and the report agree on it.
 * @module
 */
import { better, type Direction } from './objectives.js'

/**
 * The index of the best individual: the best value of the primary objective in its direction
 * (`options.primary`, else `score` when present, else the first objective by name; `max` unless
 * `options.direction` says otherwise), the first one on ties. Failed evaluations (`null`) are
 * skipped. `null` without scores.
 */
export function bestIndex(scores: Readonly<Record<string, readonly (number | null)[]>>, options: { primary?: string | null; direction?: Direction } = {}): number | null {
  const names = Object.keys(scores).sort()
  const primary = options.primary != null && options.primary in scores ? options.primary : 'score' in scores ? 'score' : names[0]
  if (primary === undefined) return null
  const direction = options.direction ?? 'max'
  const values = scores[primary]!
  let best: number | null = null
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) return
    if (best === null || better(value, values[best]!, direction)) best = i
  })
  return best
}
