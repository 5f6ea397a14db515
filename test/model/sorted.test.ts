import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { partitionPoint, sortedIndexOf } from '../../src/model/sorted.js'

describe('partitionPoint and sortedIndexOf', () => {
  it('agree with a linear scan on every sorted list and probe', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 })), fc.integer({ min: -25, max: 25 }), (raw, x) => {
        const xs = [...raw].sort((a, b) => a - b)
        const lower = xs.findIndex((v) => v >= x)
        expect(partitionPoint(xs.length, (i) => xs[i]! < x)).toBe(lower === -1 ? xs.length : lower)
        const found = sortedIndexOf(xs.length, (i) => xs[i]! - x)
        if (xs.includes(x)) expect(xs[found]).toBe(x)
        else expect(found).toBe(-(lower === -1 ? xs.length : lower) - 1)
      }),
      { numRuns: 500 },
    )
  })

  it('handles the empty list and the ends', () => {
    expect(partitionPoint(0, () => true)).toBe(0)
    expect(partitionPoint(5, () => true)).toBe(5)
    expect(partitionPoint(5, () => false)).toBe(0)
    expect(sortedIndexOf(0, () => 0)).toBe(-1)
  })
})
