import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dominates, hypervolume2d, hypervolume3d, nonDominatedRanks, paretoSummary } from '../../src/model/pareto.js'

/** Small integer coordinates make ties and duplicates common, which is where sorting goes wrong. */
const point = (m: number) => fc.array(fc.integer({ min: 0, max: 6 }), { minLength: m, maxLength: m })
const cloud = (m: number) => fc.array(point(m), { minLength: 0, maxLength: 40 })
const runs = Number(process.env.EVOGIT_PROPERTY_RUNS ?? 200)

/** The textbook definition, O(n²) per front: peel off the non-dominated points repeatedly. */
function naiveRanks(points: number[][]): number[] {
  const ranks = new Array<number>(points.length).fill(-1)
  let rank = 0
  let left = points.map((_, i) => i)
  while (left.length > 0) {
    const front = left.filter((i) => !left.some((j) => dominates(points[j]!, points[i]!)))
    for (const i of front) ranks[i] = rank
    left = left.filter((i) => !front.includes(i))
    rank++
  }
  return ranks
}

/** Exact hypervolume by counting unit cells on an integer grid: the definition, not a formula. */
function gridVolume(points: number[][], ref: number[]): number {
  let count = 0
  const m = ref.length
  const cell = new Array<number>(m).fill(0)
  const walk = (d: number): void => {
    if (d === m) {
      // The unit cell [c, c+1)^m is covered when some point is <= c in every coordinate.
      if (points.some((p) => p.every((v, j) => v <= cell[j]!))) count++
      return
    }
    for (let c = -8; c < ref[d]!; c++) {
      cell[d] = c
      walk(d + 1)
    }
  }
  walk(0)
  return count
}

describe('non-dominated sorting', () => {
  it('no front member is dominated by anyone, and every other point is dominated by a front member', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }).chain((m) => cloud(m)), (points) => {
        const ranks = nonDominatedRanks(points)
        const front = points.filter((_, i) => ranks[i] === 0)
        points.forEach((p, i) => {
          if (ranks[i] === 0) expect(points.some((q) => dominates(q, p))).toBe(false)
          else expect(front.some((f) => dominates(f, p))).toBe(true)
        })
      }),
      { numRuns: runs },
    )
  })

  it('orders infinite coordinates like any other value (∞ − ∞ would be NaN)', () => {
    expect(nonDominatedRanks([[Infinity, 1, 1], [Infinity, 0, 0]])).toEqual([1, 0])
    expect(nonDominatedRanks([[-Infinity, 2], [-Infinity, 1], [0, 0]])).toEqual([1, 0, 0])
  })

  it('gives the same ranks as peeling fronts by the definition', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 4 }).chain((m) => cloud(m)), (points) => {
      expect(nonDominatedRanks(points)).toEqual(naiveRanks(points))
    }), { numRuns: runs })
  })

  it('respects directions: maximising an objective is minimising its negation', () => {
    fc.assert(
      fc.property(cloud(2), (points) => {
        const a = points.map((p) => p[0]!)
        const b = points.map((p) => p[1]!)
        const maxed = paretoSummary({ scores: { a, b }, directions: { a: 'max', b: 'min' } })!
        const negated = paretoSummary({ scores: { a: a.map((v) => -v), b }, directions: { a: 'min', b: 'min' } })!
        expect(maxed.ranks).toEqual(negated.ranks)
        expect(maxed.hypervolume).toBe(negated.hypervolume)
      }),
      { numRuns: runs },
    )
  })

  it('leaves failed evaluations out: rank null, never on the front', () => {
    const s = paretoSummary({ scores: { a: [1, null, 3, 0], b: [1, 0, null, 5] }, directions: { a: 'min', b: 'min' } })!
    expect(s.ranks).toEqual([0, null, null, 0])
    expect(s.front).toEqual([0, 3])
  })

  it('is null for a single objective', () => {
    expect(paretoSummary({ scores: { a: [1, 2] }, directions: {} })).toBeNull()
  })
})

describe('hypervolume', () => {
  it('matches counting grid cells, in two and three dimensions', () => {
    for (const m of [2, 3]) {
      fc.assert(
        fc.property(fc.array(fc.array(fc.integer({ min: -8, max: 5 }), { minLength: m, maxLength: m }), { maxLength: m === 2 ? 12 : 7 }), (points) => {
          const ref = new Array<number>(m).fill(6)
          const hv = m === 2 ? hypervolume2d(points, ref) : hypervolume3d(points, ref)
          expect(hv).toBe(gridVolume(points, ref))
        }),
        { numRuns: m === 2 ? runs : Math.ceil(runs / 4) },
      )
    }
  })

  it('records a declared reference, else the worst value seen', () => {
    const scores = { accuracy: [0.9, 0.5, 0.7], cost: [10, 2, 4] }
    const worst = paretoSummary({ scores, directions: { accuracy: 'max', cost: 'min' } })!
    expect(worst.reference).toEqual({ point: { accuracy: 0.5, cost: 10 }, source: 'worst-seen' })
    // Only the middle point is strictly inside the worst-seen box: (0.7 - 0.5) * (10 - 4).
    expect(worst.hypervolume).toBeCloseTo(1.2, 12)
    const declared = paretoSummary({ scores, directions: { accuracy: 'max', cost: 'min' }, declaredReference: { accuracy: 0, cost: 20 } })!
    expect(declared.reference).toEqual({ point: { accuracy: 0, cost: 20 }, source: 'declared' })
    // Staircase: 0.9*(20-10) + 0.7*(10-4) + 0.5*(4-2).
    expect(declared.hypervolume).toBeCloseTo(9 + 4.2 + 1, 12)
    expect(paretoSummary({ scores: { a: [1], b: [2], c: [3], d: [4] }, directions: {} })!.hypervolume).toBeNull()
  })
})
