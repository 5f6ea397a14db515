import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CHUNK_BYTES, jsonBytes } from '../../src/model/json-bytes.js'

const expected = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 2)}\n`)

/** jsonBytes with every progress report checked against the finished output. */
function withProgress(v: unknown): { out: Buffer; reports: number } {
  const seen: { prefix: Buffer; final: number }[] = []
  const out = jsonBytes(v, {
    // Copied at once: a later chunk may overwrite what lies past `final`, never what lies before it.
    progress: (bytes, final) => seen.push({ prefix: Buffer.from(bytes.subarray(0, final)), final }),
  })
  let previous = 0
  for (const { prefix, final } of seen) {
    expect(final).toBeGreaterThanOrEqual(previous)
    expect(final).toBeLessThan(out.length)
    expect(prefix.equals(out.subarray(0, final))).toBe(true)
    previous = final
  }
  return { out, reports: seen.length }
}

describe('jsonBytes', () => {
  it('writes exactly JSON.stringify(v, null, 2) and a newline, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(withProgress(v).out.equals(expected(v))).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('writes arrays a chunk at a time with the same bytes (unicode, nesting, empty members)', () => {
    const element = fc.oneof(fc.jsonValue(), fc.constantFrom([], {}, '', 'ünïcødé ✓ 🧬', '\n]\n', '[\n', [[[]]], { a: [{}] }), fc.string({ minLength: 500, maxLength: 3000 }))
    fc.assert(
      fc.property(fc.array(element, { minLength: 0, maxLength: 400 }), (items) => {
        expect(withProgress(items).out.equals(expected(items))).toBe(true)
      }),
      { numRuns: 60 },
    )
    const edge = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? { name: `p${i}`, traits: { a: i / 7 } } : [i, 'x']))
    const written = withProgress(edge)
    expect(written.out.equals(expected(edge))).toBe(true)
    // More than one chunk, each reported as it was written.
    expect(written.reports).toBeGreaterThan(expected(edge).length / CHUNK_BYTES)
  })

  it('grows its buffer when later elements are far bigger than the first chunk, losing nothing', () => {
    const growing = Array.from({ length: 8000 }, (_, i) => (i < 256 ? i : { long: 'ä'.repeat(200 + (i % 7)), i }))
    expect(withProgress(growing).out.equals(expected(growing))).toBe(true)
  })
})
