import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { errorOf, expectCleanRepo, fixedClock, population, pythonReader, snapshot, tempDir } from '../helpers.js'


async function twoGenerations(dir: string) {
  const store = await openStore({ dir, schema: personaSchema, clock: fixedClock(), key: 'name' })
  const g0 = population(4)
  await store.saveGeneration(0, g0, { scores: [0.1, 0.2, 0.3, 0.4], lineage: g0.map(() => ({ parents: [] })) })
  const g1 = [g0[3]!, { ...g0[2]!, name: 'Child A', age: 40 }, { ...g0[1]!, name: 'Child B' }, population(1, 90)[0]!]
  await store.saveGeneration(1, g1, {
    scores: [0.4, 0.5, 0.25, 0.05],
    lineage: [
      { parents: [{ generation: 0, id: 'Persona 3' }], op: 'elite' },
      { parents: [{ generation: 0, id: 'Persona 2' }], op: 'mutation' },
      { parents: [{ generation: 0, id: 'Persona 1' }, { generation: 0, id: 'Persona 0' }], op: 'crossover' },
      { parents: [] },
    ],
  })
  return { store, g0, g1 }
}

describe('recording lineage', () => {
  it('goes into the sidecar only: gen_<n>.json is byte-identical to a save without lineage', async () => {
    const dir = tempDir()
    const { store, g1 } = await twoGenerations(dir)
    const sidecar = await store.loadMetadata(1)
    expect(sidecar?.lineage).toEqual([
      { id: 'Persona 3', op: 'elite', parents: [{ generation: 0, id: 'Persona 3' }] },
      { id: 'Child A', op: 'mutation', parents: [{ generation: 0, id: 'Persona 2' }] },
      { id: 'Child B', op: 'crossover', parents: [{ generation: 0, id: 'Persona 1' }, { generation: 0, id: 'Persona 0' }] },
      { id: 'Persona 90', parents: [] },
    ])
    const plainDir = tempDir()
    const plain = await openStore({ dir: plainDir, schema: personaSchema, clock: fixedClock() })
    await plain.saveGeneration(0, population(4), { scores: [0.1, 0.2, 0.3, 0.4] })
    await plain.saveGeneration(1, g1, { scores: [0.4, 0.5, 0.25, 0.05] })
    expect(readFileSync(join(dir, 'gen_1.json'))).toEqual(readFileSync(join(plainDir, 'gen_1.json')))
    expect(readFileSync(join(dir, 'gen_1.json'), 'utf8')).not.toContain('lineage')
    // A save without lineage writes no lineage key at all: its sidecar reads as before.
    expect(await plain.loadMetadata(1)).not.toHaveProperty('lineage')
    expect(readFileSync(join(plainDir, '.evogit/meta/0/1.json'), 'utf8')).not.toContain('lineage')
    expect(pythonReader(dir).ids).toEqual([0, 1])
    expectCleanRepo(dir)
  })

  it('derives ids from the entry, the configured key field, an `id` field, else <generation>:<index>', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, clock: fixedClock(), key: 'name' })
    await store.saveGeneration(0, [{ name: 'a', id: 7 }, { id: 'x' }, { other: 1 }, { name: 'b' }], {
      lineage: [{}, {}, {}, { id: 'explicit' }],
    })
    expect((await store.loadMetadata(0))?.lineage?.map((e) => e.id)).toEqual(['a', 'x', '0:2', 'explicit'])
    const bare = await openStore({ dir: tempDir(), clock: fixedClock() })
    await bare.saveGeneration(3, [{ name: 'a', id: 7 }, { name: 'b' }], { lineage: [{}, {}] })
    expect((await bare.loadMetadata(3))?.lineage?.map((e) => e.id)).toEqual([7, '3:1'])
  })

  it('refuses bad lineage with E_INVALID_LINEAGE naming the individual, and changes nothing', async () => {
    const dir = tempDir()
    const { store, g1 } = await twoGenerations(dir)
    const before = snapshot(dir)
    const cases: { lineage: unknown; reason: string; index?: number; message: RegExp }[] = [
      { lineage: [{}], reason: 'wrong length', message: /1 entries for 4 individuals/ },
      { lineage: 'x', reason: 'not an array', message: /must be an array/ },
      { lineage: [{}, {}, { id: 'Child A' }, {}], reason: 'duplicate id', index: 2, message: /individuals 1 and 2 both have the id "Child A"/ },
      { lineage: [{}, { parents: [{ generation: 1, id: 'nobody' }] }, {}, {}], reason: 'unknown parent', index: 1, message: /individual 1 \("Child A"\) names an unknown parent: generation 1 on branch main has no individual "nobody"/ },
      { lineage: [{ parents: [{ generation: 7, id: 'Child A' }] }, {}, {}, {}], reason: 'parent not earlier', index: 0, message: /not earlier than 2/ },
      { lineage: [{}, {}, {}, { parents: [{ generation: 0, id: 'Persona 0', ref: 'no-such-island' }] }], reason: 'unknown parent', index: 3, message: /generation 0 is not on ref no-such-island/ },
      { lineage: [{}, {}, { parents: [{ generation: 0, id: 'Persona 0' }] }, { parents: [{ generation: -1, id: 'a' }] }], reason: 'malformed entry', index: 3, message: /entry 3 at parents\.0\.generation/ },
      // Unknown keys are refused, never dropped silently.
      { lineage: [{}, { parent: [] }, {}, {}], reason: 'malformed entry', index: 1, message: /entry 1: Unrecognized key: "parent"/ },
      { lineage: [{}, {}, { parents: [{ generation: 0, id: 'Persona 0', gen: 1 }] }, {}], reason: 'malformed entry', index: 2, message: /entry 2 at parents\.0: Unrecognized key: "gen"/ },
    ]
    for (const c of cases) {
      const err = await errorOf<{ reason: string; index?: number; generation: number }>(store.saveGeneration(2, g1, { lineage: c.lineage as never }))
      expect(err.code, c.reason).toBe('E_INVALID_LINEAGE')
      expect(err.data.reason).toBe(c.reason)
      expect(err.data.generation).toBe(2)
      if (c.index !== undefined) expect(err.data.index).toBe(c.index)
      expect(err.message).toMatch(c.message)
    }
    expect(snapshot(dir)).toEqual(before)
    expect(await store.listGenerations()).toEqual([0, 1])
  })

  it('reads only sidecars, through a cache, walking 10 ancestors back across a long history', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, clock: fixedClock(), durable: false })
    const G = 40
    for (let g = 0; g < G; g++) {
      const pop = [{ id: `a${g}` }, { id: `b${g}` }]
      const parents = g === 0 ? [[], []] : [[{ generation: g - 1, id: `a${g - 1}` }], [{ generation: g - 1, id: `a${g - 1}` }, { generation: g - 1, id: `b${g - 1}` }]]
      await store.saveGeneration(g, pop, { scores: [g, g / 2], lineage: parents.map((p) => ({ parents: p })) })
    }
    // A freshly opened store: nothing cached yet.
    const fresh = await openStore({ dir })
    const tree = await fresh.ancestry(`b${G - 1}`, { depth: 10 })
    expect(tree.nodes).toHaveLength(1 + 2 * 10)
    expect(Math.min(...tree.nodes.map((n) => n.generation))).toBe(G - 11)
    expect(tree.nodes.filter((n) => n.depth === 10).every((n) => n.truncated)).toBe(true)
    expect(tree.nodes.find((n) => n.depth === 3 && n.id === `b${G - 4}`)?.scores).toEqual({ score: (G - 4) / 2 })
    // One sidecar per generation walked (the root's and ten more), no population file at all.
    expect(tree.reads).toEqual({ sidecarReads: 11, populationReads: 0, cacheHits: 0 })
    // The same walk again is served from the cache.
    expect((await fresh.ancestry(`b${G - 1}`, { depth: 10 })).reads).toEqual({ sidecarReads: 0, populationReads: 0, cacheHits: 11 })
  })
})
