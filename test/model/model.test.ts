import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { canonicalJson, keyOrderFor, MAX_JSON_DEPTH } from '../../src/model/canonical-json.js'
import { formatCommitMessage, parseCommitMessage, parseTrailers } from '../../src/model/commit-message.js'
import { formatNumber } from '../../src/model/number-format.js'
import { assertGenerationId, generationFileName, parseGenerationFileName, parseGenerationId, sidecarPath } from '../../src/model/generation-id.js'
import { assertRefName } from '../../src/model/refname.js'
import { summarize, summarizeAll } from '../../src/model/stats.js'
import { formatUtc } from '../../src/model/time.js'

describe('stats', () => {
  it('computes count, min, max, mean, median and population stdev', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ direction: 'max', count: 8, failed: 0, best: 9, min: 2, max: 9, mean: 5, median: 4.5, stdev: 2 })
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9], 'min')).toMatchObject({ direction: 'min', best: 2 })
    expect(summarize([3, 1, 2])).toMatchObject({ median: 2 })
    expect(summarize([])).toEqual({ direction: 'max', count: 0, failed: 0, best: null, min: null, max: null, mean: null, median: null, stdev: null })
    expect(Object.keys(summarizeAll({ b: [1], a: [2] }))).toEqual(['a', 'b'])
  })
})

describe('generation ids and names', () => {
  it('accepts only non-negative safe integers', () => {
    expect(assertGenerationId(0)).toBe(0)
    expect(assertGenerationId(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER)
    for (const bad of [-1, 0.5, NaN, Infinity, 2 ** 53, -0, '1', null, undefined, 1n]) expect(() => assertGenerationId(bad)).toThrow(/non-negative safe integer/)
    expect(parseGenerationId('12')).toBe(12)
    for (const bad of ['01', '-1', '1e3', '', ' 1', '9007199254740993']) expect(() => parseGenerationId(bad)).toThrow()
  })

  it('matches file names strictly and keeps sidecars away from the original reader', () => {
    expect(generationFileName(3)).toBe('gen_3.json')
    expect(parseGenerationFileName('gen_3.json')).toBe(3)
    for (const name of ['gen_03.json', 'gen_3.meta.json', 'gen_-1.json', 'gen_.json', 'gen_3.json.bak', 'xgen_3.json']) expect(parseGenerationFileName(name)).toBeNull()
    const path = sidecarPath(1234)
    expect(path).toBe('.evogit/meta/12/1234.json')
    for (const part of path.split('/')) expect(part.startsWith('gen_')).toBe(false)
  })
})

describe('canonical JSON', () => {
  it('follows the schema order for declared keys and sorts the rest', () => {
    const schema = z.looseObject({ name: z.string(), traits: z.record(z.string(), z.number()), nested: z.object({ z: z.number(), a: z.number() }) })
    const text = canonicalJson({ extra2: 1, traits: { b: 1, a: 2 }, extra1: 2, nested: { a: 1, z: 2 }, name: 'x' }, keyOrderFor(schema))
    expect(text).toBe('{\n  "name": "x",\n  "traits": {\n    "a": 2,\n    "b": 1\n  },\n  "nested": {\n    "z": 2,\n    "a": 1\n  },\n  "extra1": 2,\n  "extra2": 1\n}\n')
  })

  it('sorts keys at every level without a schema, drops undefined members, and refuses non-JSON', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: undefined })).toBe('{\n  "b": [\n    {\n      "c": 2,\n      "d": 1\n    }\n  ]\n}\n')
    expect(() => canonicalJson({ a: NaN })).toThrow(/at a cannot be stored as JSON: NaN/)
    expect(() => canonicalJson([1, undefined])).toThrow(/undefined is not JSON/)
    expect(() => canonicalJson({ d: new Map() })).toThrow(/Map instance/)
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/)
    let deep: unknown = 1
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) deep = [deep]
    expect(() => canonicalJson(deep)).toThrow(/nested deeper/)
  })
})

describe('commit messages', () => {
  it('round-trips generation, size and stats through trailers', () => {
    const stats = summarizeAll({ score: [0.1, 0.91, 0.55] })
    const message = formatCommitMessage({ generation: 12, populationSize: 3, stats })
    expect(message.split('\n')[0]).toBe('generation 12: best 0.91, mean 0.52 (3 individuals)')
    expect(parseTrailers(message).get('Best-Score')).toBe('0.91')
    expect(parseCommitMessage(message)).toEqual({ generation: 12, populationSize: 3, stats, primary: 'score', pareto: null })
  })

  it('reads hand-written commits without a stats trailer, and ignores non-generation commits', () => {
    expect(parseCommitMessage('tweak\n\nGeneration: 4\nBest-Score: 0.5\nMean-Score: 0.25\n')).toMatchObject({ generation: 4, stats: { score: { max: 0.5, mean: 0.25 } } })
    expect(parseCommitMessage('just a commit\n')).toBeNull()
    expect(parseCommitMessage('x\n\nGeneration: -1\n')).toBeNull()
    expect(parseTrailers('x\n\nnot a trailer line\nKey: v\n').size).toBe(0)
  })

  it('prints numbers without float noise, and keeps the digits a user wrote', () => {
    expect(formatNumber(0.5973999999999999)).toBe('0.5974')
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(0.123456)).toBe('0.123456')
    expect(formatNumber(12)).toBe('12')
    expect(formatNumber(-1e-7)).toBe('-1e-7')
    expect(formatNumber(2 ** 60)).toBe('1152921504606847000')
  })
})

describe('ref names', () => {
  it('follows git check-ref-format and never lets a name escape the repository', () => {
    for (const ok of ['main', 'exp/high-mutation', 'run_2', 'v1.0']) expect(assertRefName(ok)).toBe(ok)
    for (const bad of ['', '../../x', 'a/../b', 'a..b', 'a~1', 'a^', 'a:b', 'a@{1}', '-x', 'x.lock', 'a/.hidden', 'a b', 'a\\b', 'a*', 'a?', 'a[', '/a', 'a/', 'a//b', 'a.', 'HEAD', '@', 'a\u0001']) {
      expect(() => assertRefName(bad), bad).toThrow(expect.objectContaining({ code: 'E_INVALID_REF_NAME' }))
    }
  })
})

describe('time', () => {
  it('formats UTC ISO 8601 whatever the local zone', () => {
    expect(formatUtc(new Date(Date.UTC(2026, 10, 24, 3, 4, 5, 6)))).toBe('2026-11-24T03:04:05.006Z')
  })
})
