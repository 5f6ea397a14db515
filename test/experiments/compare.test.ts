import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EvogitError, openStore, personaSchema } from '../../src/index.js'
import { buildComparison, parseTarget, resolveMetaKey, type CompareSource } from '../../src/model/compare.js'
import { groupComparison, spread } from '../../src/model/compare-group.js'
import { bestOf, directionOf, isBetter } from '../../src/model/objective-direction.js'
import { summarize, type ObjectiveStats } from '../../src/model/stats.js'
import { fixedClock, git, population, tempDir } from '../helpers.js'

const stats = (values: number[], direction?: 'min'): ObjectiveStats => summarize(values, direction ?? 'max')

function source(name: string, meta: unknown, series: { score: number[]; cost: number[] }[], fork: CompareSource['forkedFrom'] = null): CompareSource {
  return {
    name,
    kind: 'branch',
    commit: name.padEnd(40, '0'),
    forkedFrom: fork,
    points: series.map((s, generation) => ({ generation, populationSize: s.score.length, stats: { score: stats(s.score), cost: stats(s.cost, 'min') } })),
    meta: meta as CompareSource['meta'],
  }
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof EvogitError) return err.code
    throw err
  }
  return 'no error'
}

describe('compare: the pure table', () => {
  const a = source('main', { settings: { rate: 0.2, seed: 1 }, rng: 5 }, [
    { score: [0.1, 0.5], cost: [0.9, 0.4] },
    { score: [0.7, 0.2], cost: [0.3, 0.5] },
    { score: [0.6, 0.3], cost: [0.35, 0.2] },
  ])
  const b = source('hi', { settings: { rate: 0.9, seed: 1 }, rng: 6 }, [{ score: [0.1, 0.5], cost: [0.9, 0.4] }, { score: [0.9], cost: [0.05] }], { branch: 'main', generation: 0, commit: 'c'.repeat(40) })
  const c = source('seed2', { settings: { rate: 0.2, seed: 2 }, rng: 7 }, [{ score: [0.8, 0.1], cost: [0.6, 0.7] }], { branch: 'elsewhere', generation: 0, commit: 'd'.repeat(40) })

  it('gives best ever with its generation, latest best and mean, by direction; target; differing meta only', () => {
    const cmp = buildComparison({ sources: [a, b, c], target: parseTarget('cost<=0.1') })
    expect(cmp.objectives).toEqual(['cost', 'score'])
    expect(cmp.metaKeys).toEqual(['meta.rng', 'meta.settings.rate', 'meta.settings.seed'])
    const main = cmp.rows[0]!
    expect(main.objectives['score']).toEqual({ direction: 'max', best: 0.7, bestGeneration: 1, latestBest: 0.6, latestMean: summarize([0.6, 0.3]).mean })
    // cost is a loss: its best is the minimum, the latest best is the latest minimum.
    expect(main.objectives['cost']).toEqual({ direction: 'min', best: 0.2, bestGeneration: 2, latestBest: 0.2, latestMean: summarize([0.35, 0.2]).mean })
    expect(main).toMatchObject({ latestGeneration: 2, populationSize: 2, generations: 3, targetGeneration: null, forkedFrom: null })
    expect(cmp.rows[1]).toMatchObject({ targetGeneration: 1, forkedFrom: { row: 'main', branch: 'main', generation: 0 }, meta: { 'meta.settings.rate': 0.9, 'meta.rng': 6 } })
    expect(cmp.rows[2]!.forkedFrom).toMatchObject({ row: null, branch: 'elsewhere' })
    expect(buildComparison({ sources: [a, b, c], allMeta: true }).metaKeys).toEqual(['meta.rng', 'meta.settings.rate', 'meta.settings.seed'])
    expect(buildComparison({ sources: [a, b] }).metaKeys).toEqual(['meta.rng', 'meta.settings.rate'])
    expect(buildComparison({ sources: [a] }).metaKeys).toEqual([])
    expect(buildComparison({ sources: [a], allMeta: true }).metaKeys).toEqual(['meta.rng', 'meta.settings.rate', 'meta.settings.seed'])
  })

  it('sorts best first by the objective direction, and by meta keys', () => {
    expect(buildComparison({ sources: [a, b, c], sortBy: 'score' }).rows.map((r) => r.name)).toEqual(['hi', 'seed2', 'main'])
    expect(buildComparison({ sources: [a, b, c], sortBy: 'cost' }).rows.map((r) => r.name)).toEqual(['hi', 'main', 'seed2'])
    expect(buildComparison({ sources: [a, b, c], sortBy: 'meta.seed' }).rows.map((r) => r.name)).toEqual(['main', 'hi', 'seed2'])
    expect(buildComparison({ sources: [a, b, c], sortBy: 'rate' }).rows.map((r) => r.name)).toEqual(['main', 'seed2', 'hi'])
    expect(codeOf(() => buildComparison({ sources: [a, b, c], sortBy: 'nope' }))).toBe('E_INVALID_ARGUMENT')
  })

  it('groups rows that differ only in the key, with mean ± sample stdev', () => {
    const groups = groupComparison(buildComparison({ sources: [a, b, c] }), 'meta.seed')
    expect(groups.map((g) => g.members)).toEqual([['main', 'seed2'], ['hi']])
    expect(groups[0]).toMatchObject({ key: 'meta.settings.seed', values: [1, 2], shared: { 'meta.settings.rate': 0.2 } })
    expect(groups[0]!.objectives['score']!.best).toEqual(spread([0.7, 0.8]))
    expect(groups[0]!.objectives['score']!.best.mean).toBeCloseTo(0.75, 12)
    expect(groups[0]!.objectives['score']!.best.stdev).toBeCloseTo(Math.SQRT1_2 * 0.1, 12)
    expect(groups[1]!.objectives['cost']!.best).toEqual({ mean: 0.05, stdev: null, n: 1 })
    expect(codeOf(() => groupComparison(buildComparison({ sources: [a, b, c] }), 'meta.colour'))).toBe('E_INVALID_ARGUMENT')
  })

  it('sorts and groups by settings that hold 64-bit integers (read back exactly as bigints)', () => {
    const big = 2n ** 63n
    const x = source('x', { settings: { rate: 0.2, seed: big + 2n } }, [{ score: [0.5], cost: [0.5] }])
    const y = source('y', { settings: { rate: 0.9, seed: big + 1n } }, [{ score: [0.6], cost: [0.4] }])
    const z = source('z', { settings: { rate: 0.2, seed: 3 } }, [{ score: [0.7], cost: [0.3] }])
    expect(buildComparison({ sources: [x, y, z], sortBy: 'meta.seed' }).rows.map((r) => r.name)).toEqual(['z', 'y', 'x'])
    // store.compare hands numbers no double holds over as digit strings: still ordered by value.
    const digits = (name: string, seed: string | number) => source(name, { settings: { seed } }, [{ score: [0.5], cost: [0.5] }])
    const rows = buildComparison({ sources: [digits('ten', '10000000000000000000'), digits('nine', '9223372036854775813'), digits('three', 3)], sortBy: 'meta.seed' }).rows
    expect(rows.map((r) => r.name)).toEqual(['three', 'nine', 'ten'])
    const groups = groupComparison(buildComparison({ sources: [x, y, z] }), 'meta.rate')
    expect(groups.map((g) => g.members)).toEqual([['x'], ['y'], ['z']])
    expect(groupComparison(buildComparison({ sources: [x, y, z] }), 'meta.seed').map((g) => g.members)).toEqual([['x', 'z'], ['y']])
  })

  it('parses targets and meta keys strictly', () => {
    expect(parseTarget(' cost <= 0.1 ')).toEqual({ objective: 'cost', op: '<=', value: 0.1, text: 'cost <= 0.1' })
    expect(parseTarget('score>0.5').op).toBe('>')
    for (const bad of ['cost', 'cost<=x', '<=0.1', 'cost=0.1']) expect(codeOf(() => parseTarget(bad))).toBe('E_INVALID_ARGUMENT')
    expect(codeOf(() => resolveMetaKey(['meta.a.seed', 'meta.b.seed'], 'seed', 'groupBy'))).toBe('E_INVALID_ARGUMENT')
    expect(resolveMetaKey(['meta.a.seed', 'meta.seed'], 'meta.seed', 'groupBy')).toBe('meta.seed')
  })

  it('routes every better/best decision through one direction rule', () => {
    expect(directionOf(stats([1]))).toBe('max')
    expect(directionOf(stats([1], 'min'))).toBe('min')
    expect(bestOf(stats([1, 3]))).toBe(3)
    expect(bestOf(stats([1, 3], 'min'))).toBe(1)
    expect(bestOf({ ...stats([1, 3]), best: 2 })).toBe(2)
    expect([isBetter(1, 2, 'min'), isBetter(1, 2, 'max'), isBetter(1, null, 'max'), isBetter(null, 1, 'max'), isBetter(NaN, null, 'max')]).toEqual([true, false, true, false, false])
  })
})

describe('store.compare on a real store', () => {
  it('compares branches, a tag, an archived tip and a commit, reading no population file', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    const settings = { rate: 0.2, seed: 1 }
    for (let g = 0; g < 4; g++) await store.saveGeneration(g, population(2, g), { scores: { score: [g / 10, 0.05], cost: [1 - g / 10, 2] }, meta: { settings } })
    await store.tag('v1', 2)
    await store.branch('hi', { from: 1, checkout: true })
    for (let g = 2; g < 5; g++) await store.saveGeneration(g, population(2, 10 + g), { scores: { score: [0.9, g / 100], cost: [0.05, 3] }, meta: { settings: { ...settings, rate: 0.9 } } })
    await store.rollback(3)
    const archive = (await store.archives())[0]!
    await store.checkout('main')
    const mainTip = git(dir, 'rev-parse', 'main').trim()

    // Delete every population blob: compare must not need them.
    for (const line of git(dir, 'rev-list', '--objects', '--all').split('\n')) {
      const [oid, path] = line.split(' ')
      if (oid && path?.startsWith('gen_')) rmSync(join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2)), { force: true })
    }
    await expect(store.loadGeneration(1)).rejects.toBeInstanceOf(EvogitError)

    const all = await store.compare({ target: 'cost<=0.1' })
    expect(all.rows.map((r) => r.name)).toEqual(['hi', 'main'])
    const [hi, main] = all.rows
    expect(hi).toMatchObject({ kind: 'branch', latestGeneration: 3, generations: 4, forkedFrom: { row: 'main', branch: 'main', generation: 1 }, targetGeneration: 2, meta: { 'meta.settings.rate': 0.9 } })
    expect(main).toMatchObject({ latestGeneration: 3, populationSize: 2, forkedFrom: null, targetGeneration: null, meta: { 'meta.settings.rate': 0.2 }, commit: mainTip })
    expect(main!.objectives['score']).toMatchObject({ best: 0.3, bestGeneration: 3, latestBest: 0.3 })
    expect(all.metaKeys).toEqual(['meta.settings.rate'])

    const named = await store.compare({ refs: ['main', 'v1', archive.id, mainTip.slice(0, 10), 'h*'] })
    expect(named.rows.map((r) => [r.name, r.kind, r.latestGeneration])).toEqual([
      ['main', 'branch', 3],
      ['v1', 'tag', 2],
      [archive.id, 'archive', 4],
      [mainTip.slice(0, 10), 'commit', 3],
      ['hi', 'branch', 3],
    ])
    expect(named.rows[1]!.forkedFrom).toMatchObject({ row: 'main', generation: 2 })
    expect(named.rows[2]!.forkedFrom).toMatchObject({ row: 'hi', generation: 3 })
    await expect(store.compare({ refs: ['nope'] })).rejects.toMatchObject({ code: 'E_REF_NOT_FOUND', caller: 'compare' })
    await expect(store.compare({ refs: ['zz*'] })).rejects.toMatchObject({ code: 'E_REF_NOT_FOUND' })
  })
})
