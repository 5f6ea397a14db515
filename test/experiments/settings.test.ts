import { describe, expect, it } from 'vitest'
import { EvogitError, openStore, personaSchema } from '../../src/index.js'
import { applyOverrides, flattenJson, formatSettingChange, settingChanges, settingsOf } from '../../src/model/settings.js'
import { ok } from '../cli/run-cli.js'
import { fixedClock, git, population, tempDir } from '../helpers.js'

const saved = { populationSize: 24, mutationRate: 0.2, seed: 7, selection: { tournament: 3, elitism: true } }

function codeOf(fn: () => unknown): { code: string; data: unknown } {
  try {
    fn()
  } catch (err) {
    if (err instanceof EvogitError) return { code: err.code, data: err.data }
    throw err
  }
  throw new Error('expected an error')
}

describe('applyOverrides: the rule for what a resume may change', () => {
  it('merges overrides into the saved settings and lists only real changes', () => {
    const out = applyOverrides({ saved, overrides: { mutationRate: 0.9, seed: 7, 'selection.tournament': 5 } })
    expect(out.effective).toEqual({ ...saved, mutationRate: 0.9, selection: { tournament: 5, elitism: true } })
    expect(out.changed).toEqual([
      { key: 'mutationRate', from: 0.2, to: 0.9 },
      { key: 'selection.tournament', from: 3, to: 5 },
    ])
    expect(out.saved).toEqual(saved)
    // The saved object is not mutated.
    expect(saved.mutationRate).toBe(0.2)
  })

  it('accepts a flag that changes nothing, and a locked key given its saved value', () => {
    const out = applyOverrides({ saved, overrides: { populationSize: 24, mutationRate: 0.2, seed: undefined }, locked: ['populationSize'] })
    expect(out.changed).toEqual([])
    expect(out.effective).toEqual(saved)
  })

  it('refuses unknown keys, type changes, locked keys and overrides without saved settings, with E_INVALID_OVERRIDE', () => {
    expect(codeOf(() => applyOverrides({ saved, overrides: { mutationrate: 0.9 } }))).toMatchObject({ code: 'E_INVALID_OVERRIDE', data: { key: 'mutationrate', reason: 'unknown-setting' } })
    expect(codeOf(() => applyOverrides({ saved, overrides: { 'selection.size': 2 } }))).toMatchObject({ data: { key: 'selection.size', reason: 'unknown-setting' } })
    expect(codeOf(() => applyOverrides({ saved, overrides: { mutationRate: '0.9' } }))).toMatchObject({ data: { key: 'mutationRate', reason: 'type-mismatch', saved: 0.2, received: '0.9' } })
    expect(codeOf(() => applyOverrides({ saved, overrides: { populationSize: 30 }, locked: ['populationSize'] }))).toMatchObject({ data: { key: 'populationSize', reason: 'locked', saved: 24, received: 30 } })
    expect(codeOf(() => applyOverrides({ saved, overrides: { 'selection.tournament': 9 }, locked: ['selection'] }))).toMatchObject({ data: { reason: 'locked' } })
    expect(codeOf(() => applyOverrides({ saved: null, overrides: { mutationRate: 0.9 } }))).toMatchObject({ data: { key: 'mutationRate', reason: 'no-settings' } })
    expect(applyOverrides({ saved: null })).toEqual({ saved: null, effective: null, changed: [] })
  })

  it('treats a 64-bit integer as the number it is: overridable by a smaller one, named in errors, never a crash', () => {
    // A resumed sidecar is read exactly, so a 64-bit seed comes back a bigint.
    const big = { seed: 2n ** 63n + 5n, mutationRate: 0.2 } as unknown as Record<string, never>
    const out = applyOverrides({ saved: big, overrides: { seed: 42 } })
    expect(out.effective).toEqual({ seed: 42, mutationRate: 0.2 })
    expect(out.changed).toEqual([{ key: 'seed', from: 2n ** 63n + 5n, to: 42 }])
    // The same value in another representation changes nothing.
    expect(applyOverrides({ saved: { seed: 7n } as unknown as Record<string, never>, overrides: { seed: 7 } }).changed).toEqual([])
    expect(applyOverrides({ saved: { seed: 7 }, overrides: { seed: 7n as unknown as number } }).changed).toEqual([])
    const mismatch = codeOf(() => applyOverrides({ saved: big, overrides: { seed: 'abc' } }))
    expect(mismatch).toMatchObject({ code: 'E_INVALID_OVERRIDE', data: { key: 'seed', reason: 'type-mismatch' } })
    let message = ''
    try {
      applyOverrides({ saved: big, overrides: { seed: 3 }, locked: ['seed'] })
    } catch (err) {
      message = (err as Error).message
      expect(err).toBeInstanceOf(EvogitError)
    }
    expect(message).toContain('9223372036854775813 → 3')
  })

  it('compares settings by leaf path and formats trailer values', () => {
    expect(settingChanges({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] }, d: 'x' })).toEqual([
      { key: 'b.c', from: [1, 2], to: [1, 3] },
      { key: 'd', from: undefined, to: 'x' },
    ])
    expect(settingChanges(null, { a: 1 })).toEqual([])
    expect([...flattenJson({ a: { b: 1, c: {} }, d: null })]).toEqual([['a.b', 1], ['a.c', {}], ['d', null]])
    expect(formatSettingChange({ key: 'mutationRate', from: 0.2, to: 0.9 })).toBe('mutationRate 0.2→0.9')
    expect(formatSettingChange({ key: 'name', from: undefined, to: 'x'.repeat(200) }, 10)).toBe(`name (absent)→"xxxxxxxx…`)
    expect(settingsOf({ settings: { a: 1 } })).toEqual({ a: 1 })
    expect(settingsOf({ settings: [1] })).toBeNull()
    expect(settingsOf(null)).toBeNull()
  })
})

describe('resume({ overrides }) and the Settings-Changed trailer', () => {
  it('returns saved and effective settings; the first commit with new settings says so, later ones do not', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    const settings = { populationSize: 3, mutationRate: 0.2, seed: 7 }
    for (let g = 0; g < 3; g++) await store.saveGeneration(g, population(3, g), { scores: [g, 1, 2], meta: { settings, rngState: 100 + g } })
    // RNG state changes every generation; it is run state, not a setting.
    expect(git(dir, 'log', '--format=%(trailers:key=Settings-Changed)', 'main').trim()).toBe('')

    await store.branch('high-mutation', { from: 1, checkout: true })
    const point = (await store.resume({ overrides: { mutationRate: 0.9, populationSize: 3 }, locked: ['populationSize'] }))!
    expect(point.generation).toBe(1)
    expect(point.settings).toEqual({ saved: settings, effective: { ...settings, mutationRate: 0.9 }, changed: [{ key: 'mutationRate', from: 0.2, to: 0.9 }] })
    await store.saveGeneration(2, population(3, 9), { scores: [1, 1, 1], meta: { settings: point.settings.effective, rngState: 5 } })
    const again = (await store.resume())!
    expect(again.settings).toEqual({ saved: { ...settings, mutationRate: 0.9 }, effective: { ...settings, mutationRate: 0.9 }, changed: [] })
    await store.saveGeneration(3, population(3, 10), { scores: [1, 1, 1], meta: { settings: again.settings.effective, rngState: 6 } })
    const trailers = git(dir, 'log', '--format=%(trailers:key=Generation,valueonly,separator=)|%(trailers:key=Settings-Changed,valueonly,separator=;)', 'high-mutation').trim().split('\n')
    expect(trailers).toEqual(['3|', '2|mutationRate 0.2→0.9', '1|', '0|'])

    await expect(store.resume({ overrides: { populationSize: 5 }, locked: ['populationSize'] })).rejects.toMatchObject({ code: 'E_INVALID_OVERRIDE', caller: 'resume' })
  })

  it('a 64-bit seed is no change of settings, whether the parent was saved by this handle or another; a real change still is', async () => {
    const dir = tempDir()
    const settings = { seed: 2n ** 63n + 5n, mutationRate: 0.1, state: 12345678901234567890123n }
    const first = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    // Generation 1's parent was saved by this handle (remembered); generation 2's by another one (read back).
    for (const g of [0, 1]) await first.saveGeneration(g, population(2, g), { scores: [1, 2], meta: { settings } })
    const second = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    await second.saveGeneration(2, population(2, 2), { scores: [1, 2], meta: { settings } })
    await second.saveGeneration(3, population(2, 3), { scores: [1, 2], meta: { settings: { ...settings, seed: 2n ** 63n + 6n } } })
    const trailers = git(dir, 'log', '--format=%(trailers:key=Generation,valueonly,separator=)|%(trailers:key=Settings-Changed,valueonly,separator=;)', 'main').trim().split('\n')
    expect(trailers).toEqual(['3|seed 9223372036854775813→9223372036854775814', '2|', '1|', '0|'])
  })

  it('the CLI shows, sorts and groups 64-bit settings digit for digit: diff, compare, compare --group-by', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    const seed = 2n ** 63n + 5n
    await store.saveGeneration(0, population(2, 0), { scores: [1, 2], meta: { settings: { seed, mutationRate: 0.2 } } })
    await store.saveGeneration(1, population(2, 1), { scores: [1, 3], meta: { settings: { seed: seed + 1n, mutationRate: 0.2 } } })
    await store.branch('wide', { from: 0 })
    await store.saveGeneration(1, population(2, 1), { scores: [2, 3], meta: { settings: { seed, mutationRate: 0.9 } }, branch: 'wide' })
    const diff = await ok(['diff', '0', '1'], { cwd: dir })
    expect(diff.stdout).toContain('meta.settings.seed: 9223372036854775813 → 9223372036854775814')
    expect((await ok(['diff', '0', '1', '--json'], { cwd: dir })).stdout).toMatch(/"old": 9223372036854775813,\s*"new": 9223372036854775814/)
    // Seeds of different lengths: ordered by value, not as text (where 10… sorts before 9…).
    await store.branch('long', { from: 0 })
    await store.saveGeneration(1, population(2, 1), { scores: [0, 1], meta: { settings: { seed: 10n ** 19n, mutationRate: 0.5 } }, branch: 'long' })
    const table = await ok(['compare', '--sort-by', 'meta.seed', '--json'], { cwd: dir })
    expect(table.json<{ rows: { name: string }[] }>().rows.map((r) => r.name)).toEqual(['wide', 'main', 'long'])
    const grouped = await ok(['compare', '--group-by', 'meta.mutationRate'], { cwd: dir })
    expect(grouped.stdout.split('\n').filter((l) => /^0\.[259] /.test(l))).toHaveLength(3)
    const json = (await ok(['compare', '--json', '--group-by', 'meta.seed'], { cwd: dir })).stdout
    expect(json).toMatch(/9223372036854775813/)
  })

  it('diff reports the meta keys that differ, with the population and stats', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    await store.saveGeneration(0, population(2, 0), { scores: [1, 2], meta: { settings: { mutationRate: 0.2, seed: 7 }, rngState: 1 } })
    await store.saveGeneration(1, population(2, 0), { scores: [1, 3], meta: { settings: { mutationRate: 0.9, seed: 7 }, rngState: 2 } })
    const d = await store.diff(0, 1)
    // In the meta's own key order, which the store keeps as the engine wrote it.
    expect(d.meta).toEqual([
      { path: ['settings', 'mutationRate'], old: 0.2, new: 0.9 },
      { path: ['rngState'], old: 1, new: 2 },
    ])
    expect(d.stats['score']!.delta.max).toBe(1)
    expect(d.unchanged).toBe(2)
  })
})
