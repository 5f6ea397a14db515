import { bestOfStats, choosePrimary, DEFAULT_DIRECTION, type Direction } from './objectives.js'
import { cleanNumber } from './number-format.js'

/**
 * Summary statistics of one objective over a population, computed over the individuals that
 * were evaluated (failed evaluations are counted in `failed`, not in the numbers). With nothing
 * evaluated every statistic is `null`.
 */
export interface ObjectiveStats {
  /** Whether higher (`max`) or lower (`min`) is better; `best` follows it. */
  direction: Direction
  /** How many individuals were evaluated (the statistics are over these). */
  count: number
  /** How many evaluations failed (`null`, NaN or ±Infinity scores). */
  failed: number
  /** The best value in `direction`: `max` for a fitness, `min` for a loss. */
  best: number | null
  min: number | null
  max: number | null
  mean: number | null
  median: number | null
  /** Population standard deviation (divides by `count`, not `count - 1`). */
  stdev: number | null
}

/** Statistics keyed by objective name; a single `number[]` of scores is named `score`. */
export type ScoreStats = Record<string, ObjectiveStats>

/**
 * Computes the statistics of one objective. `null` entries are failed evaluations: counted in
 * `failed` and left out of everything else. Derived values (mean, median, stdev) are rounded to
 * 15 significant digits so that arithmetic noise never reaches a file or a trailer.
 */
export function summarize(values: readonly (number | null)[], direction: Direction = DEFAULT_DIRECTION): ObjectiveStats {
  let count = 0
  let min = Infinity
  let max = -Infinity
  let sum = 0
  for (const v of values) {
    if (v === null) continue
    count++
    if (v < min) min = v
    if (v > max) max = v
    sum += v
  }
  const failed = values.length - count
  if (count === 0) return { direction, count, failed, best: null, min: null, max: null, mean: null, median: null, stdev: null }
  const mean = sum / count
  let squares = 0
  const sorted = new Float64Array(count)
  let k = 0
  for (const v of values) {
    if (v === null) continue
    squares += (v - mean) ** 2
    sorted[k++] = v
  }
  sorted.sort()
  const mid = count >> 1
  const median = count % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return {
    direction,
    count,
    failed,
    best: bestOfStats({ min, max }, direction),
    min,
    max,
    mean: cleanNumber(mean),
    median: cleanNumber(median),
    stdev: cleanNumber(Math.sqrt(squares / count)),
  }
}

/** Statistics of every objective, each in its direction (undeclared ones are `max`). */
export function summarizeAll(scores: Record<string, readonly (number | null)[]>, directions: Readonly<Record<string, Direction>> = {}): ScoreStats {
  const out: ScoreStats = {}
  for (const name of Object.keys(scores).sort()) out[name] = summarize(scores[name]!, directions[name] ?? DEFAULT_DIRECTION)
  return out
}

/**
 * Fills in what statistics written before directions existed lack: they were all `max`, had no
 * failures, and their best was the maximum.
 */
export function upgradeStats(stats: Record<string, Partial<ObjectiveStats>>): ScoreStats {
  const out: ScoreStats = {}
  for (const [name, s] of Object.entries(stats)) {
    const direction = s.direction === 'min' ? 'min' : DEFAULT_DIRECTION
    const min = s.min ?? null
    const max = s.max ?? null
    out[name] = {
      direction,
      count: s.count ?? 0,
      failed: s.failed ?? 0,
      best: s.best !== undefined ? s.best : bestOfStats({ min, max }, direction),
      min,
      max,
      mean: s.mean ?? null,
      median: s.median ?? null,
      stdev: s.stdev ?? null,
    }
  }
  return out
}

/** The objective that headlines commit subjects and `log`: the declared primary, else `score`, else the first by name. */
export function primaryObjective(stats: ScoreStats, declared?: string | null): string | null {
  return choosePrimary(Object.keys(stats), declared)
}
