import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EvogitError } from '../../src/index.js'
import { bestIndex } from '../../src/model/best.js'
import { deriveId, normalizeLineage, type LineageEntry } from '../../src/model/lineage.js'
import { diffByLineage } from '../../src/model/lineage-diff.js'
import { sidecarJson } from '../../src/model/sidecar-json.js'
import { canonicalJson, keyOrderFor } from '../../src/model/canonical-json.js'
import { sidecarSchema } from '../../src/model/sidecar.js'
import { walkAncestry, walkDescendants, type GenerationLineage, type LineageSource } from '../../src/model/lineage-graph.js'

/** A random run: `sizes[g]` individuals in generation g, each with 0–3 parents in earlier generations. */
const runArb = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 })
  .chain((sizes) =>
    fc.tuple(
      fc.constant(sizes),
      fc.tuple(
        ...sizes.map((size, g) =>
          fc.array(
            g === 0 ? fc.constant([] as [number, number][]) : fc.array(fc.tuple(fc.integer({ min: 0, max: g - 1 }), fc.nat()), { maxLength: 3 }),
            { minLength: size, maxLength: size },
          ),
        ),
      ),
    ),
  )
  .map(([sizes, raw]) =>
    sizes.map((size, g): GenerationLineage => {
      const ids = Array.from({ length: size }, (_, i) => `g${g}i${i}`)
      const entries = ids.map((id, i): LineageEntry => {
        const parents = (raw[g]![i] ?? []).map(([pg, k]) => ({ generation: pg, id: `g${pg}i${k % sizes[pg]!}` }))
        return { id, parents: [...new Map(parents.map((p) => [p.id, p])).values()] }
      })
      return { generation: g, ids, entries, scores: { score: ids.map((_, i) => g * 10 + i) } }
    }),
  )

function memorySource(run: GenerationLineage[]): LineageSource & { reads: number[] } {
  const reads: number[] = []
  return {
    reads,
    async read(g) {
      reads.push(g)
      return run[g] ?? null
    },
    async generations() {
      return run.map((r) => r.generation)
    },
  }
}

/** Brute force: every ancestor of `key` with its shortest distance. */
function ancestorsByHand(run: GenerationLineage[], g: number, id: string): Map<string, number> {
  const out = new Map([[`${g}:${id}`, 0]])
  const queue: [number, string, number][] = [[g, id, 0]]
  while (queue.length > 0) {
    const [cg, cid, d] = queue.shift()!
    const entry = run[cg]!.entries[run[cg]!.ids.indexOf(cid)]!
    for (const p of entry.parents) {
      const k = `${p.generation}:${p.id as string}`
      if (!out.has(k)) {
        out.set(k, d + 1)
        queue.push([p.generation, p.id as string, d + 1])
      }
    }
  }
  return out
}

describe('lineage model', () => {
  it('walkAncestry finds exactly the ancestors, at their shortest depth, reading each generation at most once per level', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, fc.nat(), async (run, pick) => {
        const last = run.at(-1)!
        const id = last.ids[pick % last.ids.length]!
        const source = memorySource(run)
        const graph = await walkAncestry({ source, id, generation: last.generation, refName: 'main' })
        const expected = ancestorsByHand(run, last.generation, String(id))
        expect(new Map(graph.nodes.map((n) => [n.key, n.depth]))).toEqual(expected)
        for (const n of graph.nodes) expect(n.scores['score']).toBe(n.generation * 10 + n.index!)
        // Every recorded parent link among the nodes is an edge, and nothing else is.
        const links = graph.nodes.flatMap((n) => run[n.generation]!.entries[n.index!]!.parents.map((p) => `${p.generation}:${p.id as string} -> ${n.key}`))
        expect(graph.edges.map((e) => `${e.parent} -> ${e.child}`).sort()).toEqual(links.sort())
        // Each level reads each of its generations once (the store's source caches across levels).
        expect(source.reads.length).toBeLessThanOrEqual(new Set(graph.nodes.map((n) => n.generation)).size * (Math.max(...graph.nodes.map((n) => n.depth)) + 1))
      }),
      { numRuns: 150 },
    )
  })

  it('walkDescendants is the inverse of walkAncestry, and depth limits both the same way', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, fc.nat(), fc.integer({ min: 0, max: 4 }), async (run, pick, depth) => {
        const first = run[0]!
        const root = first.ids[pick % first.ids.length]!
        const down = await walkDescendants({ source: memorySource(run), id: root, generation: 0, refName: 'main' })
        const reached = new Set(down.nodes.map((n) => n.key))
        for (const gen of run) {
          for (const id of gen.ids) {
            expect(reached.has(`${gen.generation}:${id}`)).toBe(ancestorsByHand(run, gen.generation, String(id)).has(`0:${root}`))
          }
        }
        const limited = await walkDescendants({ source: memorySource(run), id: root, generation: 0, depth, refName: 'main' })
        expect(limited.nodes.every((n) => n.depth <= depth)).toBe(true)
        expect(limited.nodes.map((n) => n.key).sort()).toEqual(down.nodes.filter((n) => n.depth <= depth).map((n) => n.key).sort())
      }),
      { numRuns: 150 },
    )
  })

  it('normalizeLineage keeps one entry per individual with unique ids, and refuses any duplicate', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.string({ minLength: 1 }), fc.integer()), { minLength: 1, maxLength: 20, selector: String }), fc.nat(), (ids, k) => {
        const population = ids.map((id) => ({ id }))
        const entries = normalizeLineage({ lineage: population.map(() => ({})), population, generation: 3 })
        expect(entries.map((e) => e.id)).toEqual(ids)
        if (ids.length < 2) return
        const dup = population.map((p, i) => (i === (k % (ids.length - 1)) + 1 ? { id: ids[0] } : p))
        let err: unknown
        try {
          normalizeLineage({ lineage: dup.map(() => ({})), population: dup, generation: 3 })
        } catch (e) {
          err = e
        }
        expect(err).toBeInstanceOf(EvogitError)
        expect((err as EvogitError).code).toBe('E_INVALID_LINEAGE')
        expect((err as EvogitError<{ reason: string; index: number }>).data).toMatchObject({ reason: 'duplicate id', index: (k % (ids.length - 1)) + 1 })
      }),
    )
  })

  it('derives ids in order: explicit, key field, id field, position', () => {
    expect(deriveId({ individual: { id: 1, name: 'n' }, index: 2, generation: 4, explicit: 'e', keyField: 'name' })).toBe('e')
    expect(deriveId({ individual: { id: 1, name: 'n' }, index: 2, generation: 4, keyField: 'name' })).toBe('n')
    expect(deriveId({ individual: { id: 1, name: '' }, index: 2, generation: 4, keyField: 'name' })).toBe(1)
    expect(deriveId({ individual: { id: 1.5 }, index: 2, generation: 4 })).toBe('4:2')
    expect(deriveId({ individual: 'not an object', index: 0, generation: 0 })).toBe('0:0')
  })

  it('diffByLineage accounts for every child exactly once, and every parent without a child as removed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 3 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
        (fromValues, children) => {
          const from = fromValues.map((v, i) => ({ v, i }))
          const fromIds = from.map((_, i) => `p${i}`)
          const parentsOf = children.map(([ps]) => [...new Set(ps.map((p) => p % from.length))])
          const to = children.map(([, same], c) => {
            const first = parentsOf[c]![0]
            return first !== undefined && same ? { ...from[first]! } : { v: 100 + c, i: -1 }
          })
          const toEntries = parentsOf.map((ps, c) => ({ id: `c${c}`, parents: ps.map((p) => ({ generation: 4, id: `p${p}` })) }))
          const d = diffByLineage({ from, fromIds, to, toEntries, isFromParent: (p) => p.generation === 4 })
          if (parentsOf.every((ps) => ps.length === 0)) {
            expect(d).toBeNull()
            return
          }
          const s = d!.summary
          expect(s.elitesKept + s.mutated + s.crossovers + s.newcomers).toBe(to.length)
          expect(s.newcomers).toBe(parentsOf.filter((ps) => ps.length === 0).length)
          expect(d!.unchanged).toBe(s.elitesKept)
          expect(d!.changed.length).toBe(s.mutated + s.crossovers)
          const withChild = new Set(parentsOf.flat())
          expect(d!.removed.map((r) => r.key)).toEqual(fromIds.filter((_, i) => !withChild.has(i)))
          for (const change of d!.changed) expect(change.kind).toBe(change.parents.length > 1 ? 'crossover' : 'mutated')
        },
      ),
    )
  })

  it('sidecarJson writes the lineage one entry per line, and reads back as the same sidecar', () => {
    const order = keyOrderFor(sidecarSchema)
    const base = { formatVersion: 2, generation: 2, savedAt: '2026-01-01T00:00:00.000Z', populationSize: 0, primary: null, objectives: {}, stats: {}, scores: {}, failures: {}, pareto: null, parent: null, meta: { a: [1, 2] } }
    expect(sidecarJson(base, order)).toBe(canonicalJson(base, order))
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            { id: fc.oneof(fc.string({ minLength: 1 }), fc.integer()), op: fc.string({ minLength: 1 }), parents: fc.array(fc.record({ generation: fc.nat({ max: 1000 }), id: fc.oneof(fc.string({ minLength: 1 }), fc.integer()) })) },
            { requiredKeys: ['id', 'parents'] },
          ),
          { maxLength: 6 },
        ),
        (entries) => {
          const lineage = normalizeLineage({ lineage: entries.map((e, i) => ({ ...e, id: typeof e.id === 'number' ? i : `${i}` })), population: entries.map(() => ({})), generation: 1e9 })
          const text = sidecarJson({ ...base, lineage }, order)
          expect(JSON.parse(text)).toEqual({ ...base, lineage })
          expect(sidecarSchema.parse(JSON.parse(text))).toEqual({ ...base, lineage })
          expect(text.split('\n').filter((l) => l.startsWith('    {"id"'))).toHaveLength(lineage.length)
          expect(text.endsWith('}\n')).toBe(true)
        },
      ),
    )
  })

  it('bestIndex picks the highest primary score, skipping missing ones', () => {
    expect(bestIndex({ score: [0.1, 0.9, 0.9, 0.2] })).toBe(1)
    expect(bestIndex({ b: [5, 1], a: [1, 2] })).toBe(1)
    expect(bestIndex({ score: [null, 0.3] })).toBe(1)
    expect(bestIndex({})).toBeNull()
  })

  it('bestIndex follows the declared primary objective and its direction (a loss is minimised)', () => {
    expect(bestIndex({ score: [0.1, 0.9], cost: [5, 2, 9].slice(0, 2) }, { primary: 'cost', direction: 'min' })).toBe(1)
    expect(bestIndex({ cost: [3, 1, 1, null] }, { primary: 'cost', direction: 'min' })).toBe(1)
    expect(bestIndex({ cost: [3, 1] }, { primary: 'cost', direction: 'max' })).toBe(0)
  })
})
