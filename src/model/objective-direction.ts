import { better, bestOfStats, DEFAULT_DIRECTION, type Direction } from './objectives.js'
import type { ObjectiveStats } from './stats.js'

export type { Direction }

/**
 * The direction of an objective, read from its statistics: the one place that decides "which way
 * is better" for compare, log and export. Statistics record their direction since sidecar format
 * 2; older ones (upgraded on read) are maximised, as evogit always did.
 */
export function directionOf(stats: ObjectiveStats | null | undefined): Direction {
  return stats?.direction ?? DEFAULT_DIRECTION
}

/** The best value in one generation's statistics, respecting direction: the minimum of a loss. */
export function bestOf(stats: ObjectiveStats | null | undefined, direction: Direction = directionOf(stats)): number | null {
  if (!stats) return null
  // `best` was computed in the direction the stats record; asked for the other one, read min or max.
  return stats.direction === direction && stats.best !== null ? stats.best : bestOfStats(stats, direction)
}

/** True when `candidate` is strictly better than `incumbent` (any number beats `null`). */
export function isBetter(candidate: number | null, incumbent: number | null, direction: Direction): boolean {
  if (candidate === null || !Number.isFinite(candidate)) return false
  return incumbent === null || better(candidate, incumbent, direction)
}
