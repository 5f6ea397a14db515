import { cleanNumber } from './number-format.js'
import type { Direction } from './objectives.js'
import { nonDominatedRanks } from './non-dominated-sort.js'

export { nonDominatedRanks }

/**
 * Pareto fronts and hypervolume, pure and synchronous. Every function works in "minimise
 * everything" space internally: a `max` objective is negated on the way in, so one dominance
 * rule serves every mix of directions.
 */

/** Which reference point a hypervolume was measured against. */
export type ReferenceSource = 'declared' | 'worst-seen' | 'mixed' | 'given'

/** The reference point of a hypervolume, in each objective's own units, and where it came from. */
export interface ParetoReference {
  point: Record<string, number>
  source: ReferenceSource
}

/** What the sidecar records about a generation with two or more objectives. */
export interface ParetoSummary {
  /** The objectives compared, in this order (sorted by name). */
  objectives: string[]
  /** Indices of the non-dominated individuals (rank 0), ascending. */
  front: number[]
  /** Each individual's non-dominated rank (0 = on the front); `null` when an evaluation failed. */
  ranks: (number | null)[]
  /** The front's hypervolume for two or three objectives, else `null`. */
  hypervolume: number | null
  /** The reference the hypervolume was measured against; `null` without a hypervolume. */
  reference: ParetoReference | null
}

/** True when `a` dominates `b`: no worse in every objective and better in at least one (both in minimise space). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false
  for (let j = 0; j < a.length; j++) {
    if (a[j]! > b[j]!) return false
    if (a[j]! < b[j]!) strictly = true
  }
  return strictly
}

/** Hypervolume of minimise-space points against `ref` for two objectives: a sweep over x. */
export function hypervolume2d(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const inside = points.filter((p) => p[0]! < ref[0]! && p[1]! < ref[1]!)
  inside.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!)
  let area = 0
  let lowestY = ref[1]!
  for (const p of inside) {
    if (p[1]! >= lowestY) continue
    area += (ref[0]! - p[0]!) * (lowestY - p[1]!)
    lowestY = p[1]!
  }
  return area
}

/**
 * Hypervolume for three objectives: slices along z; each slice's area is the 2-D hypervolume of
 * the points below it, kept as a staircase sorted by x, so n front points cost O(n²) at worst.
 */
export function hypervolume3d(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const inside = points.filter((p) => p[0]! < ref[0]! && p[1]! < ref[1]! && p[2]! < ref[2]!)
  inside.sort((a, b) => a[2]! - b[2]!)
  // The staircase: mutually non-dominated (x, y) points, x ascending and so y descending.
  const xs: number[] = []
  const ys: number[] = []
  let volume = 0
  for (let i = 0; i < inside.length; i++) {
    const [x, y] = inside[i]! as [number, number, number]
    insertStep(xs, ys, x, y)
    const nextZ = i + 1 < inside.length ? inside[i + 1]![2]! : ref[2]!
    const depth = nextZ - inside[i]![2]!
    if (depth > 0) volume += staircaseArea(xs, ys, ref[0]!, ref[1]!) * depth
  }
  return volume
}

function insertStep(xs: number[], ys: number[], x: number, y: number): void {
  // First step with xs[k] >= x.
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (xs[mid]! < x) lo = mid + 1
    else hi = mid
  }
  // Dominated by the step before (smaller x, and y no larger), or an equal-x step with y no larger.
  if (lo > 0 && ys[lo - 1]! <= y) return
  if (lo < xs.length && xs[lo] === x && ys[lo]! <= y) return
  let end = lo
  while (end < xs.length && ys[end]! >= y) end++
  xs.splice(lo, end - lo, x)
  ys.splice(lo, end - lo, y)
}

function staircaseArea(xs: readonly number[], ys: readonly number[], refX: number, refY: number): number {
  let area = 0
  for (let k = 0; k < xs.length; k++) {
    const nextX = k + 1 < xs.length ? xs[k + 1]! : refX
    area += (nextX - xs[k]!) * (refY - ys[k]!)
  }
  return area
}

/** The arguments of {@link paretoSummary}. */
export interface ParetoInput {
  /** Scores per objective, `null` for a failed evaluation; every array has one entry per individual. */
  scores: Readonly<Record<string, readonly (number | null)[]>>
  directions: Readonly<Record<string, Direction>>
  /** Declared hypervolume reference values per objective, in the objective's own units. */
  declaredReference?: Readonly<Record<string, number | undefined>>
  /** A reference point to use instead of declared or worst-seen values (all objectives). */
  reference?: Readonly<Record<string, number>>
}

/**
 * Fronts, ranks and hypervolume of one generation; `null` with fewer than two objectives.
 * Individuals with any failed evaluation take no part (rank `null`). The reference point is the
 * declared one, else the worst value seen in this generation, per objective.
 *
 * @example
 * ```ts
 * paretoSummary({ scores: { accuracy: [0.9, 0.8], cost: [5, 1] }, directions: { accuracy: 'max', cost: 'min' } })
 * // { front: [0, 1], ranks: [0, 0], hypervolume: …, reference: { point: { accuracy: 0.8, cost: 5 }, source: 'worst-seen' } }
 * ```
 */
export function paretoSummary(input: ParetoInput): ParetoSummary | null {
  const objectives = Object.keys(input.scores).sort()
  if (objectives.length < 2) return null
  const columns = objectives.map((name) => input.scores[name]!)
  const signs = objectives.map((name) => (input.directions[name] === 'min' ? 1 : -1))
  const n = columns[0]!.length
  const members: number[] = []
  const points: number[][] = []
  for (let i = 0; i < n; i++) {
    const point = new Array<number>(objectives.length)
    let ok = true
    for (let j = 0; j < objectives.length; j++) {
      const v = columns[j]![i]
      if (v === null || v === undefined) {
        ok = false
        break
      }
      // `+ 0` turns the -0 of a negated 0 into 0, so equal points compare equal.
      point[j] = signs[j]! * v + 0
    }
    if (ok) {
      members.push(i)
      points.push(point)
    }
  }
  const memberRanks = nonDominatedRanks(points)
  const ranks = new Array<number | null>(n).fill(null)
  const front: number[] = []
  for (let k = 0; k < members.length; k++) {
    ranks[members[k]!] = memberRanks[k]!
    if (memberRanks[k] === 0) front.push(members[k]!)
  }
  let hypervolume: number | null = null
  let reference: ParetoReference | null = null
  if ((objectives.length === 2 || objectives.length === 3) && points.length > 0) {
    reference = referencePoint(objectives, signs, points, input)
    const ref = objectives.map((name, j) => signs[j]! * reference!.point[name]! + 0)
    const frontPoints = points.filter((_, k) => memberRanks[k] === 0)
    // Rounded like every derived statistic, so 21.000000000000004 is stored as 21.
    hypervolume = cleanNumber(objectives.length === 2 ? hypervolume2d(frontPoints, ref) : hypervolume3d(frontPoints, ref))
  }
  return { objectives, front, ranks, hypervolume, reference }
}

function referencePoint(objectives: string[], signs: number[], points: number[][], input: ParetoInput): ParetoReference {
  if (input.reference) {
    const point: Record<string, number> = {}
    for (const name of objectives) point[name] = input.reference[name]!
    return { point, source: 'given' }
  }
  const point: Record<string, number> = {}
  let declared = 0
  objectives.forEach((name, j) => {
    const value = input.declaredReference?.[name]
    if (value !== undefined) {
      point[name] = value
      declared++
      return
    }
    let worst = -Infinity
    for (const p of points) if (p[j]! > worst) worst = p[j]!
    point[name] = signs[j]! * worst + 0
  })
  return { point, source: declared === objectives.length ? 'declared' : declared === 0 ? 'worst-seen' : 'mixed' }
}
