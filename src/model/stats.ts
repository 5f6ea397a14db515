/** Summary statistics of one objective over a population. Empty populations give `null`s. */
export interface ObjectiveStats {
  count: number
  min: number | null
  max: number | null
  mean: number | null
  median: number | null
  /** Population standard deviation (divides by `count`, not `count - 1`). */
  stdev: number | null
}

/** Statistics keyed by objective name; a single `number[]` of scores is named `score`. */
export type ScoreStats = Record<string, ObjectiveStats>

/** Computes count, min, max, mean, median and population standard deviation. */
export function summarize(values: readonly number[]): ObjectiveStats {
  const count = values.length
  if (count === 0) return { count, min: null, max: null, mean: null, median: null, stdev: null }
  let min = Infinity
  let max = -Infinity
  let sum = 0
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
    sum += v
  }
  const mean = sum / count
  let squares = 0
  for (const v of values) squares += (v - mean) ** 2
  const sorted = Float64Array.from(values).sort()
  const mid = count >> 1
  const median = count % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { count, min, max, mean, median, stdev: Math.sqrt(squares / count) }
}

/** Statistics of every objective. */
export function summarizeAll(scores: Record<string, readonly number[]>): ScoreStats {
  const out: ScoreStats = {}
  for (const name of Object.keys(scores).sort()) out[name] = summarize(scores[name]!)
  return out
}

/** The objective that headlines commit subjects and `log`: `score` if present, else the first by name. */
export function primaryObjective(stats: ScoreStats): string | null {
  if ('score' in stats) return 'score'
  return Object.keys(stats).sort()[0] ?? null
}
