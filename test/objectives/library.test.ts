import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LosslessNumber, openStore, personaSchema } from '../../src/index.js'
import { codeOf, errorOf, expectCleanRepo, fixedClock, git, population, snapshot, tempDir } from '../helpers.js'

describe('directions', () => {
  it('makes best the minimum of a min objective everywhere: stats, trailers, subject, log, branches, diff', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, objectives: { accuracy: 'max', cost: 'min' }, primary: 'cost', clock: fixedClock() })
    const saved = await store.saveGeneration(0, population(3), { scores: { accuracy: [0.5, 0.9, 0.7], cost: [30, 10, 20] } })
    expect(saved.primary).toBe('cost')
    expect(saved.stats['cost']).toMatchObject({ direction: 'min', best: 10, min: 10, max: 30 })
    expect(saved.stats['accuracy']).toMatchObject({ direction: 'max', best: 0.9 })
    await store.saveGeneration(1, population(3), { scores: { accuracy: [0.6, 0.95, 0.7], cost: [25, 5, 40] } })
    // Committed, so a clone (or native git) sees the same directions.
    expect(JSON.parse(git(dir, 'show', 'HEAD:.evogit/objectives.json'))).toEqual({
      formatVersion: 1,
      primary: 'cost',
      objectives: { accuracy: { direction: 'max' }, cost: { direction: 'min' } },
    })
    const message = git(dir, 'log', '-1', '--format=%B')
    expect(message.split('\n')[0]).toBe('generation 1: best cost 5 (min), mean 23.33 (3 individuals)')
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Best-Score,valueonly)').trim()).toBe('5')
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Objective-Direction,valueonly)').trim()).toBe('min')
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Mean-Score,valueonly)').trim()).toBe('23.3333333333333')
    const [newest] = await store.log()
    expect(newest).toMatchObject({ primary: 'cost', stats: { cost: { best: 5, direction: 'min' } } })
    await store.branch('exp', { from: 0 })
    const branches = await store.branches()
    expect(branches.find((b) => b.name === 'main')).toMatchObject({ bestScore: 5, objective: 'cost', direction: 'min' })
    expect(branches.find((b) => b.name === 'exp')).toMatchObject({ bestScore: 10, objective: 'cost', direction: 'min' })
    expect((await store.branches({ objective: 'accuracy' })).find((b) => b.name === 'main')).toMatchObject({ bestScore: 0.95, direction: 'max' })
    const d = await store.diff(0, 1)
    expect(d.stats['cost']).toMatchObject({ direction: 'min', improved: true, delta: { best: -5 } })
    expect(d.stats['accuracy']).toMatchObject({ direction: 'max', improved: true })
    expect((await store.resume())!.sidecar).toMatchObject({ primary: 'cost', objectives: { accuracy: 'max', cost: 'min' } })
    expect(git(dir, 'fsck', '--strict')).toBe('')
    expectCleanRepo(dir)
  })

  it('takes directions per save, keeps undeclared ones max, and refuses a silent flip', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }, { a: 2 }], { scores: { loss: [3, 1], other: [1, 2] }, objectives: { loss: 'min' } })
    expect(await store.objectives()).toEqual({ primary: null, objectives: { loss: { direction: 'min' } } })
    expect((await store.loadMetadata(0))!.stats).toMatchObject({ loss: { best: 1 }, other: { direction: 'max', best: 2 } })
    const before = snapshot(dir)
    const err = await errorOf(store.saveGeneration(1, [{ a: 1 }, { a: 2 }], { scores: { loss: [3, 1] }, objectives: { loss: 'max' } }))
    expect(err.code).toBe('E_OBJECTIVE_CONFLICT')
    expect(err.data).toMatchObject({ objective: 'loss', stored: 'min', declared: 'max' })
    const reopened = await openStore({ dir, objectives: { loss: 'max' } })
    expect(await codeOf(reopened.saveGeneration(1, [{ a: 1 }], { scores: { loss: [1] } }))).toBe('E_OBJECTIVE_CONFLICT')
    expect(await codeOf(store.saveGeneration(1, [{ a: 1 }], { objectives: { loss: 'up' as 'max' } }))).toBe('E_INVALID_ARGUMENT')
    await expect(openStore({ dir, objectives: { 'bad name': 'min' } })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' })
    expect(snapshot(dir)).toEqual(before)
  })

  it('changes a direction only explicitly, in a commit that records the change', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    const declared = await store.setObjectives({ objectives: { cost: 'min' } })
    expect(declared.changes).toEqual(['cost: max (undeclared) → min'])
    await store.saveGeneration(0, [{ a: 1 }, { a: 2 }], { scores: { cost: [5, 3] } })
    expect(await codeOf(store.setObjectives({ objectives: { cost: 'max' } }))).toBe('E_OBJECTIVE_CONFLICT')
    expect((await store.setObjectives({ objectives: { cost: 'min' } })).commit).toBeNull()
    const changed = await store.setObjectives({ objectives: { cost: 'max' }, primary: 'cost', change: true })
    expect(changed.changes).toEqual(['cost: min → max', 'primary: (none) → cost'])
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Objectives-Changed,valueonly)')).toContain('cost: min → max')
    await store.saveGeneration(1, [{ a: 1 }, { a: 2 }], { scores: { cost: [5, 3] } })
    // Each generation keeps the direction it was saved under.
    expect((await store.loadMetadata(0))!.stats['cost']).toMatchObject({ direction: 'min', best: 3 })
    expect((await store.loadMetadata(1))!.stats['cost']).toMatchObject({ direction: 'max', best: 5 })
    expect(await store.listGenerations()).toEqual([0, 1])
    expect(git(dir, 'fsck', '--strict')).toBe('')
    expectCleanRepo(dir)
  })
})

describe('failed evaluations', () => {
  it('records null, NaN and ±Infinity as failures with their raw value; stats cover the evaluated only', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    const pop = [{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }, { a: 5 }]
    const saved = await store.saveGeneration(0, pop, { scores: { fit: [0.5, null, NaN, Infinity, 0.25], loss: [-Infinity, 1, 2, 3, 4] } })
    expect(saved.stats['fit']).toMatchObject({ count: 2, failed: 3, best: 0.5, min: 0.25, mean: 0.375 })
    const sidecar = (await store.loadMetadata(0))!
    expect(sidecar.scores['fit']).toEqual([0.5, null, null, null, 0.25])
    expect(sidecar.failures).toEqual({
      fit: [
        { index: 1, raw: null },
        { index: 2, raw: 'NaN' },
        { index: 3, raw: 'Infinity' },
      ],
      loss: [{ index: 0, raw: '-Infinity' }],
    })
    // Individuals with a failed objective take no part in the front.
    expect(sidecar.pareto!.ranks[0]).toBeNull()
    const allFailed = await store.saveGeneration(1, pop.slice(0, 2), { scores: [null, NaN] })
    expect(allFailed.stats['score']).toEqual({ direction: 'max', count: 0, failed: 2, best: null, min: null, max: null, mean: null, median: null, stdev: null })
    expect(git(dir, 'log', '-1', '--format=%s')).toBe('generation 1 (2 individuals)\n')
    const byFunction = await store.saveGeneration(2, pop, { score: (ind) => (ind.a === 3 ? null : (ind.a as number)) })
    expect(byFunction.stats['score']).toMatchObject({ count: 4, failed: 1, best: 5 })
  })
})

describe('exact meta', () => {
  it('keeps integers past 2^53 as bigint, key order as given, and 1.0 through LosslessNumber', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    const big = 2n ** 127n + 12345n
    const meta = { zeta: 1, state: { key: big, pos: 624 }, alpha: [big, -big], rate: new LosslessNumber('1.0'), tiny: new LosslessNumber('1e-400') }
    await store.saveGeneration(0, [{ a: 1 }], { meta })
    const text = git(dir, 'show', 'HEAD:.evogit/meta/0/0.json')
    expect(text).toContain(`"key": ${big}`)
    expect(text).toContain('"rate": 1.0')
    expect(text.indexOf('"zeta"')).toBeLessThan(text.indexOf('"alpha"'))
    const back = (await store.loadMetadata(0))!.meta as Record<string, unknown>
    expect(Object.keys(back)).toEqual(['zeta', 'state', 'alpha', 'rate', 'tiny'])
    expect(back).toMatchObject({ zeta: 1, state: { key: big, pos: 624 }, alpha: [big, -big], rate: 1 })
    expect(String(back['tiny'])).toBe('1e-400')
    const lossless = (await store.resume({ numbers: 'lossless' }))!.meta as Record<string, LosslessNumber>
    expect(lossless['rate']!.value).toBe('1.0')
    expect(git(dir, 'fsck', '--strict')).toBe('')
  })
})

describe('sidecar format', () => {
  it('upgrades a version 1 sidecar on read: every objective max, no failures, fronts computed', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }, { a: 2 }], { scores: [1, 2] })
    // A generation as evogit wrote it before directions existed, committed with native git.
    const v1 = {
      formatVersion: 1,
      generation: 1,
      savedAt: '2026-01-01T00:00:00.000Z',
      populationSize: 2,
      stats: { a: { count: 2, min: 1, max: 4, mean: 2.5, median: 2.5, stdev: 1.5 }, b: { count: 2, min: 0, max: 1, mean: 0.5, median: 0.5, stdev: 0.5 } },
      scores: { a: [1, 4], b: [1, 0] },
      parent: null,
      meta: { seed: 'SEED' },
    }
    writeFileSync(join(dir, 'gen_1.json'), '[\n  {\n    "a": 1\n  },\n  {\n    "a": 2\n  }\n]\n')
    mkdirSync(join(dir, '.evogit', 'meta', '0'), { recursive: true })
    writeFileSync(join(dir, '.evogit', 'meta', '0', '1.json'), JSON.stringify(v1, null, 2).replace('"SEED"', '12345678901234567890'))
    git(dir, 'add', '-A')
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'generation 1\n\nGeneration: 1\nPopulation-Size: 2\nObjective: a\nBest-Score: 4\nEvogit-Stats: ' + JSON.stringify(v1.stats))
    const sidecar = (await store.loadMetadata(1))!
    expect(sidecar).toMatchObject({ formatVersion: 2, primary: 'a', objectives: { a: 'max', b: 'max' }, failures: {}, stats: { a: { best: 4, direction: 'max', failed: 0 } } })
    expect(sidecar.pareto).toMatchObject({ front: [0, 1], ranks: [0, 0] })
    expect(sidecar.meta).toEqual({ seed: 12345678901234567890n })
    const [entry] = await store.log()
    expect(entry).toMatchObject({ generation: 1, primary: 'a', stats: { a: { best: 4, direction: 'max' } } })
    expect(readFileSync(join(dir, '.evogit', 'meta', '0', '1.json'), 'utf8')).toContain('"formatVersion": 1')
  })
})

describe('pareto', () => {
  it('returns the front with individuals, scores and ranks, and the hypervolume against its reference', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, objectives: { accuracy: { direction: 'max', reference: 0 }, cost: { direction: 'min', reference: 20 } } })
    const pop = population(4)
    await store.saveGeneration(0, pop, { scores: { accuracy: [0.9, 0.5, 0.7, 0.4], cost: [10, 2, 4, 5] } })
    const result = await store.pareto(0)
    expect(result.objectives).toEqual([
      { name: 'accuracy', direction: 'max' },
      { name: 'cost', direction: 'min' },
    ])
    expect(result.front.map((m) => m.index)).toEqual([0, 1, 2])
    expect(result.front[0]).toEqual({ index: 0, individual: pop[0], scores: { accuracy: 0.9, cost: 10 }, rank: 0 })
    expect(result.ranks).toEqual([0, 0, 0, 1])
    expect(result.reference).toEqual({ point: { accuracy: 0, cost: 20 }, source: 'declared' })
    expect(result.hypervolume).toBeCloseTo(14.2, 12)
    const given = await store.pareto(0, { reference: { accuracy: 0, cost: 10 } })
    expect(given.reference!.source).toBe('given')
    expect(given.hypervolume).toBeCloseTo(4.2 + 1, 12)
    expect(await codeOf(store.pareto(0, { reference: { accuracy: 0 } }))).toBe('E_INVALID_ARGUMENT')
    await store.saveGeneration(1, pop, { scores: [1, 2, 3, 4] })
    expect(await codeOf(store.pareto(1))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.pareto(9))).toBe('E_GENERATION_NOT_FOUND')
    expect(execFileSync('git', ['-C', dir, 'fsck', '--strict'], { encoding: 'utf8' })).toBe('')
  })
})
