import type { Direction, TrajectoryPoint } from './model.js'

/**
 * At most this many points per line. The trajectory plot is 760 px wide: a point every two or three
 * pixel columns still draws a smooth line, and every further point costs render time and bytes.
 */
export const MAX_CHART_POINTS = 300

/** The generations table lists at most this many rows per branch. */
export const MAX_TABLE_ROWS = 120

/**
 * The thinning rule, in words; the report prints it wherever it applied. A line with more points
 * than the chart has pixel columns gains nothing from them but bytes.
 */
export const THINNING_RULE =
  `A branch with more than ${MAX_CHART_POINTS} generations is split into ${MAX_CHART_POINTS} equal runs of consecutive generations; each run becomes one point at its last generation, ` +
  'with the best value of the run, the lowest min and highest max (so the band keeps every extreme), the mean of the means, the median of the last generation and the sum of failed evaluations.'

/** Indices splitting `length` items into `buckets` consecutive runs: each run's `[start, end)`. */
export function buckets(length: number, count: number): [number, number][] {
  if (length <= count) return Array.from({ length }, (_, i) => [i, i + 1])
  const out: [number, number][] = []
  for (let b = 0; b < count; b++) out.push([Math.floor((b * length) / count), Math.floor(((b + 1) * length) / count)])
  return out
}

/** Applies {@link THINNING_RULE} to one series, oldest first. Fewer than `max` points come back unchanged. */
export function thinTrajectory(points: readonly TrajectoryPoint[], direction: Direction, max = MAX_CHART_POINTS): TrajectoryPoint[] {
  if (points.length <= max) return [...points]
  const better = (a: number, b: number) => (direction === 'max' ? a > b : a < b)
  return buckets(points.length, max).map(([start, end]) => {
    const run = points.slice(start, end)
    const last = run[run.length - 1]!
    let best: number | null = null
    let min: number | null = null
    let max: number | null = null
    let failed: number | null = null
    let meanSum = 0
    let meanCount = 0
    for (const p of run) {
      if (p.best !== null && (best === null || better(p.best, best))) best = p.best
      if (p.min !== null && (min === null || p.min < min)) min = p.min
      if (p.max !== null && (max === null || p.max > max)) max = p.max
      if (p.failed !== null) failed = (failed ?? 0) + p.failed
      if (p.mean !== null) {
        meanSum += p.mean
        meanCount++
      }
    }
    return { generation: last.generation, best, mean: meanCount === 0 ? null : meanSum / meanCount, median: last.median, min, max, count: last.count, failed, merged: run.length }
  })
}

/** Keeps at most `max` rows, the last of each equal run, so the first, the last and an even spread survive. */
export function thinRows<T>(rows: readonly T[], max = MAX_TABLE_ROWS): T[] {
  if (rows.length <= max) return [...rows]
  const kept = buckets(rows.length, max).map(([, end]) => rows[end - 1]!)
  kept[0] = rows[0]!
  return kept
}

/** `count` indices spread evenly over `0..length-1`, always including the first and the last. */
export function evenSample(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i)
  if (count <= 0) return []
  if (count === 1) return [length - 1]
  const out = new Set<number>()
  for (let i = 0; i < count; i++) out.add(Math.round((i * (length - 1)) / (count - 1)))
  return [...out].sort((a, b) => a - b)
}
