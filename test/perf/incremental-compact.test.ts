import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema, type Persona, type Store } from '../../src/index.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../../bench/data.js'
import { DEFAULT_AUTO_COMPACT_EVERY } from '../../src/store/auto-compact.js'
import { ok } from '../cli/run-cli.js'
import { codeOf, expectCleanRepo, git, tempDir } from '../helpers.js'

const packs = (dir: string) => readdirSync(join(dir, '.git', 'objects', 'pack')).filter((n) => n.endsWith('.pack'))

async function grow(store: Store<Persona>, from: number, to: number, r: () => number, pop: Persona[]) {
  const saved: { commit: string; population: Persona[] }[] = []
  for (let g = from; g < to; g++) {
    saved.push({ commit: (await store.saveGeneration(g, pop, { scores: scoresOf(pop) })).commit, population: pop })
    pop = nextGeneration(r, pop)
  }
  return { saved, pop }
}

describe('incremental and background compaction', () => {
  it('packs only what is new, merges small packs, and loses nothing', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, durable: false })
    const r = rng(5)
    let { saved, pop } = await grow(store, 0, 12, r, initialPopulation(r, 20))
    const first = await store.compact({ window: 20 })
    expect(first).toMatchObject({ compacted: true, mode: 'incremental', after: { looseObjects: 0, packs: 1 } })
    for (let round = 0; round < 3; round++) {
      const more = await grow(store, 12 + round * 3, 15 + round * 3, r, pop)
      saved = [...saved, ...more.saved]
      pop = more.pop
      const again = await store.compact({ window: 20 })
      expect(again).toMatchObject({ compacted: true, mode: 'incremental', after: { looseObjects: 0 } })
      // Geometric: never more packs than a progression of doublings allows.
      expect(packs(dir).length).toBeLessThanOrEqual(3)
    }
    const full = await store.compact({ full: true, window: 20 })
    expect(full).toMatchObject({ compacted: true, mode: 'full', after: { looseObjects: 0, packs: 1 } })
    expectCleanRepo(dir)
    const fresh = await openStore({ dir, schema: personaSchema })
    for (const [g, { commit, population }] of saved.entries()) expect(await fresh.loadGeneration(g, { ref: commit })).toEqual(population)
  })

  it('compacts in the background every N saves while saves go on, and from `evogit compact --auto`', async () => {
    const dir = tempDir()
    const errors: unknown[] = []
    const store = await openStore({ dir, schema: personaSchema, durable: false, autoCompact: { every: 4, onError: (e) => errors.push(e) } })
    const r = rng(9)
    const { saved } = await grow(store, 0, 10, r, initialPopulation(r, 15))
    await store.compaction()
    expect(errors).toEqual([])
    expect(packs(dir).length).toBeGreaterThanOrEqual(1)
    expectCleanRepo(dir)
    for (const [g, { commit, population }] of saved.entries()) expect(await store.loadGeneration(g, { ref: commit })).toEqual(population)
    expect(await codeOf(openStore({ dir, autoCompact: { every: 0 } }))).toBe('E_INVALID_ARGUMENT')

    const cli = tempDir()
    const other = await openStore({ dir: cli, schema: personaSchema, durable: false })
    await grow(other, 0, 5, r, initialPopulation(r, 10))
    const started = (await ok(['--dir', cli, 'compact', '--auto', '--json'], { cwd: cli })).json<{ started: boolean; pid: number }>()
    expect(started.started).toBe(true)
    // The background process finishes on its own; wait for its pack to appear and the loose objects to go.
    for (let i = 0; i < 150 && !(packs(cli).length > 0 && git(cli, 'count-objects').startsWith('0 ')); i++) await new Promise((done) => setTimeout(done, 100))
    expect(packs(cli).length).toBeGreaterThanOrEqual(1)
    expect(git(cli, 'count-objects')).toMatch(/^0 objects/)
    expectCleanRepo(cli)
  }, 60_000)

  it('compacts in the background by default, every DEFAULT_AUTO_COMPACT_EVERY saves; `autoCompact: false` turns it off', async () => {
    const on = tempDir()
    const off = tempDir()
    const byDefault = await openStore({ dir: on, schema: personaSchema, durable: false })
    const disabled = await openStore({ dir: off, schema: personaSchema, durable: false, autoCompact: false })
    const r = rng(3)
    let pop = initialPopulation(r, 2)
    for (let g = 0; g < DEFAULT_AUTO_COMPACT_EVERY; g++) {
      await byDefault.saveGeneration(g, pop)
      await disabled.saveGeneration(g, pop)
      pop = nextGeneration(r, pop)
    }
    const result = await byDefault.compaction()
    expect(result).toMatchObject({ compacted: true, mode: 'incremental' })
    expect(packs(on).length).toBe(1)
    expect(await disabled.compaction()).toBeNull()
    expect(packs(off)).toEqual([])
    expectCleanRepo(on)
    expect(await byDefault.loadGeneration(DEFAULT_AUTO_COMPACT_EVERY - 1)).toEqual(await disabled.loadGeneration(DEFAULT_AUTO_COMPACT_EVERY - 1))
  }, 120_000)
})
