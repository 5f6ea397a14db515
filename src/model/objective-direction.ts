import type { ObjectiveStats } from './stats.js'

/** Which way an objective improves: `max` for a score, `min` for a loss or a cost. */
export type Direction = 'max' | 'min'

/**
 * The direction of an objective, read from its statistics. This is the one place that decides
 * "which way is better" for compare, log and export: stats that record `direction: 'min'` are
 * minimised, everything else (every store written before directions existed) is maximised.
 */
export function directionOf(stats: ObjectiveStats | null | undefined): Direction {
  const recorded = (stats as { direction?: unknown } | null | undefined)?.direction
  return recorded === 'min' ? 'min' : 'max'
}

/** The best value in one generation's statistics, respecting direction: the minimum of a loss. */
export function bestOf(stats: ObjectiveStats | null | undefined, direction: Direction = directionOf(stats)): number | null {
  if (!stats) return null
  const recorded = (stats as { best?: unknown }).best
  if (typeof recorded === 'number') return recorded
  return direction === 'min' ? stats.min : stats.max
}

/** True when `candidate` is strictly better than `incumbent` (any number beats `null`). */
export function isBetter(candidate: number | null, incumbent: number | null, direction: Direction): boolean {
  if (candidate === null || !Number.isFinite(candidate)) return false
  if (incumbent === null) return true
  return direction === 'min' ? candidate < incumbent : candidate > incumbent
}
