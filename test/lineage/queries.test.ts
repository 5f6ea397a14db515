import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { codeOf, fixedClock, git, tempDir } from '../helpers.js'

type Ind = { id: string; v: number }
const ind = (id: string, v: number): Ind => ({ id, v })
const kids = (...parents: [number, string][]) => ({ parents: parents.map(([generation, id]) => ({ generation, id })) })

/** main: 0 → 1 → 2, then branch `exp` forks at 2 and saves 3; `island` saves its own 0 and 1. */
async function forkedStore() {
  const dir = tempDir()
  const store = await openStore({ dir, clock: fixedClock(), durable: false })
  await store.saveGeneration(0, [ind('a', 1), ind('b', 2)], { scores: [1, 2], lineage: [{}, {}] })
  await store.saveGeneration(1, [ind('b', 2), ind('c', 3)], { scores: [2, 3], lineage: [{ ...kids([0, 'b']), op: 'elite' }, { ...kids([0, 'a'], [0, 'b']), op: 'crossover' }] })
  await store.saveGeneration(2, [ind('c', 3), ind('d', 4)], { scores: [3, 4], lineage: [{ ...kids([1, 'c']), op: 'elite' }, { ...kids([1, 'c']), op: 'mutation' }] })
  await store.branch('exp', { from: 2, checkout: true })
  await store.saveGeneration(3, [ind('d', 4), ind('e', 5)], { scores: [4, 5], lineage: [{ ...kids([2, 'd']), op: 'elite' }, { ...kids([2, 'd'], [1, 'b']), op: 'crossover' }] })
  await store.checkout('main')
  await store.branch('island', { from: 0 })
  await store.saveGeneration(1, [ind('x', 9)], { branch: 'island', scores: [9], lineage: [{ ...kids([0, 'a']), op: 'mutation' }] })
  // A migrant: main's generation 3 takes x from the island.
  await store.saveGeneration(3, [ind('d', 4), ind('x', 9)], {
    scores: [4, 9],
    lineage: [{ ...kids([2, 'd']), op: 'elite' }, { parents: [{ generation: 1, id: 'x', ref: 'island' }], op: 'migrant' }],
  })
  return store
}

const edges = (g: { edges: { parent: string; child: string }[] }) => g.edges.map((e) => `${e.parent} -> ${e.child}`).sort()

describe('lineage queries', () => {
  it('ancestry crosses a branch fork: the ancestors saved on main before the fork', async () => {
    const store = await forkedStore()
    const tree = await store.ancestry('e', { ref: 'exp' })
    expect(tree.ref).toBe('exp')
    expect(tree.root).toBe('3:e')
    expect(tree.nodes.map((n) => [n.key, n.depth, n.op, n.scores['score']])).toEqual([
      ['3:e', 0, 'crossover', 5],
      ['2:d', 1, 'mutation', 4],
      ['1:b', 1, 'elite', 2],
      ['1:c', 2, 'crossover', 3],
      ['0:b', 2, null, 2],
      ['0:a', 3, null, 1],
    ])
    expect(edges(tree)).toEqual(['0:a -> 1:c', '0:b -> 1:b', '0:b -> 1:c', '1:b -> 3:e', '1:c -> 2:d', '2:d -> 3:e'].sort())
    expect(tree.nodes.every((n) => n.ref === null && !n.missing && !n.truncated)).toBe(true)
    // Depth limits the walk and marks where it stopped.
    const shallow = await store.ancestry('e', { ref: 'exp', depth: 1 })
    expect(shallow.nodes.map((n) => [n.key, n.truncated])).toEqual([['3:e', false], ['2:d', true], ['1:b', true]])
  })

  it('follows a migrant to the branch it came from, and its ancestors there', async () => {
    const store = await forkedStore()
    const tree = await store.ancestry('x', { generation: 3 })
    expect(tree.nodes.map((n) => [n.key, n.ref, n.op])).toEqual([
      ['3:x', null, 'migrant'],
      ['island~1:x', 'island', 'mutation'],
      ['island~0:a', 'island', null],
    ])
    expect(tree.nodes[1]!.scores).toEqual({ score: 9 })
  })

  it('gives descendants, on the ref asked, from the earliest generation holding the id', async () => {
    const store = await forkedStore()
    const main = await store.descendants('b')
    expect(main.root).toBe('0:b')
    expect(main.nodes.map((n) => [n.key, n.depth])).toEqual([['0:b', 0], ['1:b', 1], ['1:c', 1], ['2:c', 2], ['2:d', 2], ['3:d', 3]])
    const exp = await store.descendants('b', { ref: 'exp', generation: 1 })
    expect(exp.nodes.map((n) => n.key)).toEqual(['1:b', '3:e'])
    const limited = await store.descendants('b', { depth: 1 })
    expect(limited.nodes.map((n) => n.key)).toEqual(['0:b', '1:b', '1:c'])
    // 1:b has no child on main; 1:c has two beyond the limit.
    expect(limited.nodes.filter((n) => n.truncated).map((n) => n.key)).toEqual(['1:c'])
  })

  it('finds the origin: the first generation with the individual or an identical copy', async () => {
    const store = await forkedStore()
    const kept = await store.origin('d')
    expect(kept).toMatchObject({ id: 'd', generation: 3, ref: 'main', first: { generation: 2, index: 1, id: 'd' }, sameId: true })
    expect(kept.blob).toMatch(/^[0-9a-f]{40}$/)
    // x was made on the island; on main it first appears when it migrates in.
    expect((await store.origin('x')).first.generation).toBe(3)
    // An identical individual under another id counts as a copy.
    await store.saveGeneration(4, [{ v: 100 }], { lineage: [{ id: 'p' }] })
    await store.saveGeneration(5, [{ v: 100 }, ind('y', 4)], { lineage: [{ id: 'q' }, {}] })
    expect(await store.origin('q')).toMatchObject({ generation: 5, first: { generation: 4, index: 0, id: 'p' }, sameId: false })
    expect(await store.origin('y')).toMatchObject({ generation: 5, sameId: true, first: { generation: 5, index: 1 } })
    await store.saveGeneration(6, [ind('d', 4)], { lineage: [{}] })
    const copy = await store.origin('d', { generation: 6 })
    expect(copy).toMatchObject({ first: { generation: 2, id: 'd' }, sameId: true })
    expect(copy.blob).toBe(kept.blob)
  })

  it('reports an unknown individual, a missing ancestor and a bad depth with typed errors or flags', async () => {
    const store = await forkedStore()
    expect(await codeOf(store.ancestry('nobody'))).toBe('E_INDIVIDUAL_NOT_FOUND')
    expect(await codeOf(store.ancestry('a', { generation: 2 }))).toBe('E_INDIVIDUAL_NOT_FOUND')
    expect(await codeOf(store.ancestry('a', { depth: -1 }))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.ancestry('a', { ref: 'nope' }))).toBe('E_REF_NOT_FOUND')
    // The migrant's island deleted with native git: its node is kept, marked missing.
    git(store.dir, 'branch', '-D', 'island')
    const orphan = await openStore({ dir: store.dir })
    expect((await orphan.ancestry('x', { generation: 3 })).nodes.map((n) => [n.key, n.missing])).toEqual([['3:x', false], ['island~1:x', true]])
    // Integer ids and their text name the same individual (the CLI passes text).
    const nums = await openStore({ dir: tempDir(), clock: fixedClock() })
    await nums.saveGeneration(0, [{ id: 1 }, { id: 2 }], { lineage: [{}, {}] })
    await nums.saveGeneration(1, [{ id: 3 }], { lineage: [kids([0, 2 as never])] })
    expect((await nums.ancestry('3')).nodes.map((n) => n.id)).toEqual([3, 2])
  })
})
