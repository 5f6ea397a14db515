import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ELEMENTWISE_FROM, jsonBytes } from '../../src/model/json-bytes.js'

const expected = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 2)}\n`)

describe('jsonBytes', () => {
  it('writes exactly JSON.stringify(v, null, 2) and a newline, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jsonBytes(v).equals(expected(v))).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('writes large arrays element by element with the same bytes (unicode, nesting, empty members)', () => {
    const element = fc.oneof(fc.jsonValue(), fc.constantFrom([], {}, '', 'ünïcødé ✓ 🧬', '\n]\n', [[[]]], { a: [{}] }))
    fc.assert(
      fc.property(fc.array(element, { minLength: ELEMENTWISE_FROM, maxLength: ELEMENTWISE_FROM + 50 }), (items) => {
        expect(jsonBytes(items).equals(expected(items))).toBe(true)
      }),
      { numRuns: 8 },
    )
    const edge = Array.from({ length: ELEMENTWISE_FROM }, (_, i) => (i % 2 === 0 ? { name: `p${i}`, traits: { a: i / 7 } } : [i, 'x']))
    expect(jsonBytes(edge).equals(expected(edge))).toBe(true)
    // Sized from the first elements: when later ones are far bigger, the buffer grows and nothing is lost.
    const growing = Array.from({ length: ELEMENTWISE_FROM * 2 }, (_, i) => (i < 256 ? i : { long: 'ä'.repeat(200 + (i % 7)), i }))
    expect(jsonBytes(growing).equals(expected(growing))).toBe(true)
  })
})
