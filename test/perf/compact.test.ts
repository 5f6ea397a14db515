import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema, type Persona } from '../../src/index.js'
import { codeOf, expectCleanRepo, fixedClock, git, gitBlob, snapshot, tempDir } from '../helpers.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../../bench/data.js'

const GENERATIONS = 25

async function evolvedStore(dir: string) {
  const store = await openStore({ dir, schema: personaSchema, clock: fixedClock(), durable: false })
  const r = rng(11)
  let population = initialPopulation(r, 30)
  const saved: { commit: string; population: Persona[] }[] = []
  for (let g = 0; g < GENERATIONS; g++) {
    saved.push({ commit: (await store.saveGeneration(g, population, { scores: scoresOf(population) })).commit, population })
    population = nextGeneration(r, population)
  }
  return { store, saved }
}

describe('store.compact', () => {
  it('packs the history with native git; fsck passes and every generation reads back byte-identical', async () => {
    const dir = join(tempDir(), 'store')
    const { store, saved } = await evolvedStore(dir)
    const blobs = saved.map((_, g) => gitBlob(dir, saved[g]!.commit, `gen_${g}.json`))
    const sidecars = saved.map((_, g) => gitBlob(dir, saved[g]!.commit, `.evogit/meta/0/${g}.json`))

    const result = await store.compact({ window: 50, depth: 20 })
    expect(result.compacted).toBe(true)
    expect(result.nativeGit).toBe(true)
    expect(result.gitVersion).toMatch(/^git version /)
    expect(result.message).toContain('compacted')
    expect(result.before.looseObjects).toBeGreaterThan(GENERATIONS * 4)
    expect(result.after.looseObjects).toBe(0)
    expect(result.after.packs).toBe(1)
    expect(result.after.bytes).toBeLessThan(result.before.bytes / 3)
    expect(readdirSync(join(dir, '.git', 'objects')).filter((n) => /^[0-9a-f]{2}$/.test(n))).toEqual([])
    // Native git agrees the pack uses deltas (the point of compaction) and is sound.
    const verify = git(dir, 'verify-pack', '-v', ...readdirSync(join(dir, '.git', 'objects', 'pack')).filter((n) => n.endsWith('.idx')).map((n) => join('.git', 'objects', 'pack', n)))
    expect(verify).toMatch(/chain length = [1-9]/)
    expectCleanRepo(dir)

    // Both the store that compacted and a freshly opened one read every generation from the pack.
    const fresh = await openStore({ dir, schema: personaSchema })
    for (const reader of [store, fresh]) {
      for (let g = 0; g < GENERATIONS; g++) {
        const { commit, population } = saved[g]!
        expect(gitBlob(dir, commit, `gen_${g}.json`).equals(blobs[g]!)).toBe(true)
        expect(gitBlob(dir, commit, `.evogit/meta/0/${g}.json`).equals(sidecars[g]!)).toBe(true)
        const loaded = await reader.loadGeneration(g, { ref: commit })
        expect(loaded).toEqual(population)
        expect(Buffer.from(`${JSON.stringify(loaded, null, 2)}\n`).equals(blobs[g]!)).toBe(true)
        expect((await reader.loadMetadata(g, { ref: commit }))?.generation).toBe(g)
      }
    }

    // Saving on top of a packed history still works and stays clean.
    await fresh.saveGeneration(GENERATIONS, saved[0]!.population)
    expect(expectCleanRepo(dir).commits).toBe(GENERATIONS + 1)
    expect(await store.loadGeneration(GENERATIONS)).toEqual(saved[0]!.population)
  })

  it('changes nothing and says so when native git is missing', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir, clock: fixedClock(), durable: false })
    await store.saveGeneration(0, [{ a: 1 }])
    const before = snapshot(dir)
    const objects = readdirSync(join(dir, '.git', 'objects')).sort()
    const result = await store.compact({ gitBinary: join(tempDir(), 'no-such-git') })
    expect(result).toMatchObject({ compacted: false, nativeGit: false, gitVersion: null, seconds: 0 })
    expect(result.message).toMatch(/not compacted: .*was not found; compaction needs native git/)
    expect(result.after).toEqual(result.before)
    expect(result.before.looseObjects).toBeGreaterThan(0)
    expect(snapshot(dir)).toEqual(before)
    expect(readdirSync(join(dir, '.git', 'objects')).sort()).toEqual(objects)
    expect(await store.loadGeneration(0)).toEqual([{ a: 1 }])
  })

  it('passes a path with shell metacharacters to git as one argument, never through a shell', async () => {
    const dir = join(tempDir(), 'a dir; touch pwned $(id) `x`')
    const store = await openStore({ dir, durable: false })
    await store.saveGeneration(0, [{ a: 1 }])
    const result = await store.compact()
    expect(result.compacted).toBe(true)
    expect(readdirSync(join(dir, '..'))).not.toContain('pwned')
    expect(await (await openStore({ dir })).loadGeneration(0)).toEqual([{ a: 1 }])
  })

  it('refuses bad options with a typed error', async () => {
    const store = await openStore({ dir: join(tempDir(), 'store'), durable: false })
    expect(await codeOf(store.compact({ window: 0 }))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.compact({ depth: 1.5 }))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.compact({ maxPackSize: 2 ** 31 }))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.compact({ gitBinary: '' }))).toBe('E_INVALID_ARGUMENT')
  })
})
