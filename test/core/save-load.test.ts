import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { openStore, personaSchema, strictPersonaSchema } from '../../src/index.js'
import { keyOrderFor } from '../../src/model/canonical-json.js'
import { serializePopulation } from '../../src/model/population.js'
import { codeOf, errorOf, expectCleanRepo, fixedClock, git, gitBlob, population, persona, pythonReader, snapshot, tempDir } from '../helpers.js'

type Issues = { issues: { index: number; path: unknown[] }[] }

describe('saveGeneration / loadGeneration / listGenerations / loadMetadata', () => {
  it('commits one generation per save and keeps git clean, fsck-strict and byte-identical', async () => {
    const dir = join(tempDir(), 'persona_data')
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    for (let g = 0; g < 3; g++) {
      const pop = population(5, g)
      const saved = await store.saveGeneration(g, pop, { scores: [0.1, 0.5, 0.9, 0.3, 0.2].map((s) => s + g / 10), meta: { seed: 42, generation: g } })
      expect(saved.commit).toMatch(/^[0-9a-f]{40}$/)
      expect(saved.commit).toBe(git(dir, 'rev-parse', 'HEAD').trim())
      expect(saved.branch).toBe('main')
      expect(expectCleanRepo(dir).commits).toBe(g + 1)
      const working = readFileSync(join(dir, `gen_${g}.json`))
      expect(working.equals(gitBlob(dir, 'HEAD', `gen_${g}.json`))).toBe(true)
      expect(git(dir, 'hash-object', `gen_${g}.json`).trim()).toBe(saved.blob)
    }
    expect(await store.listGenerations()).toEqual([0, 1, 2])
    expect(await store.loadGeneration(1)).toEqual(population(5, 1))
    expect(await store.loadGeneration(7)).toEqual([])
    expect(await store.loadMetadata(7)).toBeNull()
    const meta = await store.loadMetadata(2)
    expect(meta).toMatchObject({
      formatVersion: 2,
      generation: 2,
      populationSize: 5,
      meta: { seed: 42, generation: 2 },
      parent: { generation: 1, commit: git(dir, 'rev-parse', 'HEAD~1').trim() },
    })
    expect(meta!.savedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(meta!.stats['score']).toMatchObject({ count: 5, min: 0.30000000000000004, max: 1.1, median: 0.5 })
    expect(meta!.scores['score']).toHaveLength(5)
    expect((await store.loadMetadata(0))!.parent).toBeNull()
  })

  it('writes the generation file canonically: a JSON array, 2-space indent, trailing newline, stable order', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema })
    const scrambled = { ...persona(1), personality_traits: { zeal: 0.5, agreeableness: 0.7 } }
    const reordered = Object.fromEntries(Object.entries(scrambled).reverse())
    await store.saveGeneration(0, [reordered as typeof scrambled])
    const text = readFileSync(join(dir, 'gen_0.json'), 'utf8')
    expect(text.endsWith('}\n]\n')).toBe(true)
    expect(text.startsWith('[\n  {\n    "name": "Persona 1",\n    "age": 21,\n')).toBe(true)
    expect(text.indexOf('"agreeableness"')).toBeLessThan(text.indexOf('"zeal"'))
    expect(JSON.parse(text)).toEqual([scrambled])
    // Same data, other key order: identical bytes, so git sees no change.
    await store.saveGeneration(1, [scrambled])
    expect(readFileSync(join(dir, 'gen_1.json'), 'utf8')).toBe(text)
  })

  it('puts readable subjects and git trailers on every commit', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, author: { name: 'Ada', email: 'ada@example.org' } })
    await store.saveGeneration(3, population(4), { scores: [0.91, 0.5, 0.4, 0.39] })
    expect(git(dir, 'log', '-1', '--format=%s').trim()).toBe('generation 3: best 0.91, mean 0.55 (4 individuals)')
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Generation,valueonly)').trim()).toBe('3')
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Best-Score,valueonly)').trim()).toBe('0.91')
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Mean-Score,valueonly)').trim()).toBe('0.55')
    expect(git(dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe('Ada <ada@example.org>')
  })

  it('is deterministic: the same saves with a fixed clock give the same commit ids', async () => {
    const ids: string[][] = []
    for (let run = 0; run < 2; run++) {
      const store = await openStore({ dir: tempDir(), schema: personaSchema, clock: fixedClock(), author: { name: 'A', email: 'a@b' } })
      const commits: string[] = []
      for (let g = 0; g < 3; g++) commits.push((await store.saveGeneration(g, population(3, g), { scores: [1, 2, 3] })).commit)
      ids.push(commits)
    }
    expect(ids[0]).toEqual(ids[1])
    expect(new Set(ids[0]).size).toBe(3)
  })

  it('is read by the original Python reader: it lists exactly the saved ids and loads every persona', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema })
    for (const g of [0, 1, 2, 10, 11]) await store.saveGeneration(g, population(3, g), { scores: [1, 2, 3], meta: { seed: g } })
    const read = pythonReader(dir)
    expect(read.ids).toEqual([0, 1, 2, 10, 11])
    expect(read.names['10']).toEqual(['Persona 10', 'Persona 11', 'Persona 12'])
  })

  it('refuses to overwrite a generation unless asked, and keeps the old version in history', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema })
    await store.saveGeneration(0, population(2))
    await store.saveGeneration(1, population(2, 10))
    const before = snapshot(dir)
    expect(await codeOf(store.saveGeneration(1, population(2, 20)))).toBe('E_GENERATION_EXISTS')
    expect(snapshot(dir)).toEqual(before)
    const saved = await store.saveGeneration(1, population(2, 20), { overwrite: true })
    expect(saved.overwritten).toBe(true)
    expect(await store.loadGeneration(1)).toEqual(population(2, 20))
    expect(JSON.parse(gitBlob(dir, 'HEAD~1', 'gen_1.json').toString())).toEqual(population(2, 10))
    expect(git(dir, 'log', '-1', '--format=%s').trim()).toBe('generation 1 (overwritten) (2 individuals)')
    expectCleanRepo(dir)
  })

  it('accepts named objectives, a score field and a score function', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    const pop = [
      { id: 'a', fitness: 0.2 },
      { id: 'b', fitness: 0.8 },
    ]
    await store.saveGeneration(0, pop, { scores: { accuracy: [0.5, 0.7], cost: [3, 1] } })
    await store.saveGeneration(1, pop, { score: 'fitness' })
    await store.saveGeneration(2, pop, { score: (ind) => (ind['fitness'] as number) * 10 })
    expect(Object.keys((await store.loadMetadata(0))!.stats)).toEqual(['accuracy', 'cost'])
    expect((await store.loadMetadata(1))!.stats['score']!.max).toBe(0.8)
    expect((await store.loadMetadata(2))!.stats['score']!.max).toBe(8)
    expect(git(dir, 'log', '--format=%s').trim().split('\n').at(-1)).toBe('generation 0: best accuracy 0.7, mean 0.6 (2 individuals)')
    expectCleanRepo(dir)
  })

  it('saves and loads empty generations', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [])
    expect(await store.listGenerations()).toEqual([0])
    expect(await store.loadGeneration(0)).toEqual([])
    expect((await store.loadMetadata(0))!.populationSize).toBe(0)
    expectCleanRepo(dir)
  })
})

describe('bad input is refused with a typed error and changes nothing', () => {
  it('rejects invalid generation ids', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema })
    await store.saveGeneration(0, population(1))
    const before = snapshot(dir)
    for (const bad of [-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, -0, '3' as unknown as number]) {
      expect(await codeOf(store.saveGeneration(bad, population(1)))).toBe('E_INVALID_GENERATION_ID')
      expect(await codeOf(store.loadGeneration(bad))).toBe('E_INVALID_GENERATION_ID')
    }
    expect(snapshot(dir)).toEqual(before)
  })

  it('rejects bad scores: wrong length, non-numbers, bad objective names (failures are not errors)', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema })
    await store.saveGeneration(0, population(2))
    const before = snapshot(dir)
    for (const scores of [['1', 1], [undefined, 1], [true, 1], [{}, 1], [1], [1, 2, 3], { a: [1] }, { a: [1, '2'] }, { 'bad name': [1, 2] }, { a: 'x' }] as unknown as number[][]) {
      expect(await codeOf(store.saveGeneration(1, population(2), { scores }))).toBe('E_INVALID_SCORES')
    }
    expect(await codeOf(store.saveGeneration(1, population(2), { score: 'age', scores: [1, 2] }))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.saveGeneration(1, population(2), { score: 'missing_field' }))).toBe('E_INVALID_SCORES')
    expect(snapshot(dir)).toEqual(before)
  })

  it('names the individual index and field path of a schema failure', async () => {
    const dir = tempDir()
    // The strict variant: the original model itself accepts traits outside 0–1 and any age.
    const store = await openStore({ dir, schema: strictPersonaSchema })
    const bad = population(3)
    bad[2] = { ...bad[2]!, personality_traits: { openness: 1.5 } }
    const before = snapshot(dir)
    const err = await errorOf<Issues>(store.saveGeneration(0, bad))
    expect(err.code).toBe('E_INVALID_POPULATION')
    expect(err.data.issues[0]).toMatchObject({ index: 2, path: ['personality_traits', 'openness'] })
    expect(err.message).toContain('individual 2')
    expect(err.message).toContain('personality_traits.openness')
    const young = population(2)
    young[1] = { ...young[1]!, age: 17 }
    expect((await errorOf<Issues>(store.saveGeneration(0, young))).data.issues[0]).toMatchObject({ index: 1, path: ['age'] })
    expect(snapshot(dir)).toEqual(before)
  })

  it('rejects values JSON cannot carry, in individuals and in meta', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    const before = snapshot(dir)
    expect(await codeOf(store.saveGeneration(1, [{ a: NaN }]))).toBe('E_INVALID_POPULATION')
    expect(await codeOf(store.saveGeneration(1, [{ a: new Date() }]))).toBe('E_INVALID_POPULATION')
    expect(await codeOf(store.saveGeneration(1, [[1, 2]] as unknown as Record<string, unknown>[]))).toBe('E_INVALID_POPULATION')
    expect(await codeOf(store.saveGeneration(1, 'nope' as unknown as Record<string, unknown>[]))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.saveGeneration(1, [{ a: 1 }], { meta: { rng: NaN } }))).toBe('E_INVALID_JSON')
    expect(await codeOf(store.saveGeneration(1, [{ a: 1 }], { meta: { when: new Date() } }))).toBe('E_INVALID_JSON')
    expect(await codeOf(store.saveGeneration(1, [{ a: 1 }], { meta: { f: () => 1 } }))).toBe('E_INVALID_JSON')
    expect(await codeOf(store.saveGeneration(1, [{ a: 1 }], { meta: [1, undefined] }))).toBe('E_INVALID_JSON')
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    expect(await codeOf(store.saveGeneration(1, [{ a: 1 }], { meta: cyclic }))).toBe('E_INVALID_JSON')
    expect(snapshot(dir)).toEqual(before)
  })
})

describe('openStore', () => {
  it('creates the directory and a git repository on branch main', async () => {
    const dir = join(tempDir(), 'a', 'b')
    await openStore({ dir })
    expect(git(dir, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main')
    expect(git(dir, 'config', 'evogit.formatVersion').trim()).toBe('1')
  })

  it('reopens an existing store and continues its history', async () => {
    const dir = tempDir()
    await (await openStore({ dir, schema: personaSchema })).saveGeneration(0, population(2))
    const again = await openStore({ dir, schema: personaSchema })
    await again.saveGeneration(1, population(2, 1))
    expect(await again.listGenerations()).toEqual([0, 1])
    expect(expectCleanRepo(dir).commits).toBe(2)
  })

  it('refuses a file, a non-empty directory and an unrelated git repository', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'file'), 'x')
    expect(await codeOf(openStore({ dir: join(root, 'file') }))).toBe('E_NOT_A_STORE')
    const full = join(root, 'full')
    mkdirSync(full)
    writeFileSync(join(full, 'notes.txt'), 'mine')
    expect(await codeOf(openStore({ dir: full }))).toBe('E_NOT_A_STORE')
    expect(readFileSync(join(full, 'notes.txt'), 'utf8')).toBe('mine')
    const repo = join(root, 'repo')
    mkdirSync(repo)
    git(repo, 'init', '-q')
    writeFileSync(join(repo, 'x.txt'), 'x')
    git(repo, 'add', 'x.txt')
    git(repo, 'commit', '-qm', 'x')
    expect(await codeOf(openStore({ dir: repo }))).toBe('E_NOT_A_STORE')
    expect(await codeOf(openStore({ dir: '' }))).toBe('E_INVALID_ARGUMENT')
  })

  it('adopts a directory of the original store in place: one commit per generation, in order', async () => {
    const dir = tempDir()
    for (const g of [2, 0, 1]) writeFileSync(join(dir, `gen_${g}.json`), JSON.stringify(population(2, g)))
    writeFileSync(join(dir, 'notes.txt'), 'keep me')
    const store = await openStore({ dir, schema: personaSchema, adopt: true })
    expect(await store.listGenerations()).toEqual([0, 1, 2])
    expect(git(dir, 'log', '--format=%(trailers:key=Generation,valueonly)').trim().split(/\n+/)).toEqual(['2', '1', '0'])
    expect(await store.loadGeneration(2)).toEqual(population(2, 2))
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me')
    git(dir, 'fsck', '--strict', '--no-progress')
    expect(pythonReader(dir).ids).toEqual([0, 1, 2])
  })

  it('opens a clone of a store made with native git', async () => {
    const dir = tempDir()
    await (await openStore({ dir, schema: personaSchema })).saveGeneration(0, population(2))
    const clone = join(tempDir(), 'clone')
    git(dir, 'clone', '-q', dir, clone)
    const store = await openStore({ dir: clone, schema: personaSchema })
    expect(await store.loadGeneration(0)).toEqual(population(2))
    await store.saveGeneration(1, population(2, 1))
    expectCleanRepo(clone)
  })

  it('types follow the schema', async () => {
    const schema = z.object({ genome: z.array(z.number()), id: z.string() })
    const store = await openStore({ dir: tempDir(), schema })
    await store.saveGeneration(0, [{ genome: [1, 2], id: 'x' }])
    const [first] = await store.loadGeneration(0)
    expect(first?.genome).toEqual([1, 2])
    expect(await codeOf(store.saveGeneration(1, [{ genome: ['a'], id: 'x' }] as never))).toBe('E_INVALID_POPULATION')
  })
})

describe('saving never clobbers files the user put in the working tree', () => {
  it('refuses to overwrite an untracked or hand-edited gen file, naming it, and changes nothing', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema })
    await store.saveGeneration(0, population(2))
    writeFileSync(join(dir, 'gen_1.json'), '["copied in by hand"]')
    const before = snapshot(dir)
    const err = await errorOf<{ files: string[] }>(store.saveGeneration(1, population(2, 1)))
    expect(err.code).toBe('E_DIRTY_WORKTREE')
    expect(err.data.files).toEqual(['gen_1.json'])
    expect(snapshot(dir)).toEqual(before)
    // The same content as the file on disk is not a conflict: nothing would be lost.
    writeFileSync(join(dir, 'gen_1.json'), serializePopulation(population(2, 1), keyOrderFor(personaSchema)))
    await store.saveGeneration(1, population(2, 1))
    // A hand edit to a committed generation blocks an overwrite of it.
    writeFileSync(join(dir, 'gen_0.json'), '[]')
    expect(await codeOf(store.saveGeneration(0, population(2, 5), { overwrite: true }))).toBe('E_DIRTY_WORKTREE')
    expect(readFileSync(join(dir, 'gen_0.json'), 'utf8')).toBe('[]')
  })
})

describe('errors name the operation that raised them', () => {
  it('tags each EvogitError with the public method called', async () => {
    const store = await openStore({ dir: tempDir(), schema: personaSchema })
    expect((await errorOf(store.saveGeneration(-1, []))).caller).toBe('saveGeneration')
    expect((await errorOf(store.loadGeneration(0, { ref: 'nope' }))).caller).toBe('loadGeneration')
    expect((await errorOf(store.checkout('nope'))).caller).toBe('checkout')
    expect((await errorOf(store.rollback(3))).toJSON()).toMatchObject({ code: 'E_GENERATION_NOT_FOUND', caller: 'rollback' })
  })
})
