import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyEntries, EncodedIndex } from '../../src/git/index-encoding.js'
import { compareIndexEntries, decodeIndex, encodeIndex, entryWithoutStat, type IndexEntry } from '../../src/git/index-file.js'

const oid = (n: number) => n.toString(16).padStart(40, '0')
const entry = (path: string, n: number, extended = false): IndexEntry => ({ ...entryWithoutStat(path, oid(n)), size: n, ...(extended ? { extendedFlags: 0x2000 } : {}) })

describe('EncodedIndex (the index encoding a save splices into)', () => {
  it('gives byte for byte what encodeIndex writes, after any sequence of updates and removals', () => {
    const path = fc.constantFrom('gen_1.json', 'gen_10.json', 'gen_2.json', '.evogit/meta/0/1.json', '.evogit/meta/0/10.json', 'a', 'a/b', 'a.b', 'zz/long/name/of/a/file.json')
    const op = fc.record({ updates: fc.array(fc.tuple(path, fc.nat(1000), fc.boolean()), { maxLength: 3 }), removed: fc.array(path, { maxLength: 2 }) })
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        let encoded = EncodedIndex.of([])
        let model = new Map<string, IndexEntry>()
        for (const { updates, removed } of ops) {
          // Distinct paths within one call, as a save passes them.
          const ups = [...new Map(updates.map(([p, n, x]) => [p, entry(p, n, x)])).values()]
          const spliced = applyEntries(encoded.entries, ups, removed)
          encoded = encoded.apply(ups, removed)
          model = new Map(model)
          for (const p of removed) model.delete(p)
          for (const e of ups) model.set(e.path, e)
          const expected = [...model.values()].sort(compareIndexEntries)
          expect(encoded.entries).toEqual(expected)
          // What a split index splices without the bytes.
          expect(spliced).toEqual(expected)
          expect(encoded.file().equals(encodeIndex(expected))).toBe(true)
          const decoded = decodeIndex(encoded.file())
          expect(decoded.ok).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })
})
