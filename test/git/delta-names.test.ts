import { join } from 'node:path'
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { deltaName, packNameHash, withDeltaNames } from '../../src/git/delta-names.js'
import { expectCleanRepo, fixedClock, git, tempDir } from '../helpers.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../../bench/data.js'

/** git's candidate order: name hash descending (`type_size_sort` in pack-objects). */
const gitOrder = (paths: string[]) => [...paths].sort((a, b) => packNameHash(deltaName(b)) - packNameHash(deltaName(a)))

describe('delta names', () => {
  it('order every kind of numbered file by its number, kinds apart', () => {
    const gens = Array.from({ length: 3000 }, (_, g) => `gen_${g}.json`)
    const sidecars = Array.from({ length: 3000 }, (_, g) => `.evogit/meta/${Math.floor(g / 100)}/${g}.json`)
    const shuffled = [...gens, ...sidecars].sort((a, b) => packNameHash(a) - packNameHash(b))
    const order = gitOrder(shuffled)
    // Each kind is one contiguous run, newest first.
    const first = order.slice(0, 3000)
    const second = order.slice(3000)
    const [a, b] = first[0]!.startsWith('gen_') ? [first, second] : [second, first]
    expect(a).toEqual([...gens].reverse())
    expect(b).toEqual([...sidecars].reverse())
  })

  it('leave paths without a number and unnamed objects alone', () => {
    expect(deltaName('README.md')).toBe('README.md')
    const revList = 'a'.repeat(40) + '\n' + 'b'.repeat(40) + ' \n' + 'c'.repeat(40) + ' gen_7.json\n'
    const lines = withDeltaNames(revList).split('\n')
    expect(lines[0]).toBe('a'.repeat(40))
    expect(lines[1]).toBe(`${'b'.repeat(40)} `)
    expect(lines[2]).toBe(`${'c'.repeat(40)} ${deltaName('gen_7.json')}`)
    expect(deltaName('gen_7.json')).not.toBe(deltaName('gen_8.json'))
  })

  it('packNameHash is the hash native git sorts by: with a window of 2, each generation is a delta against the next', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock(), durable: false })
    const r = rng(5)
    let population = initialPopulation(r, 30)
    const count = 12
    for (let g = 0; g < count; g++) {
      await store.saveGeneration(g, population, { scores: scoresOf(population) })
      population = nextGeneration(r, population)
    }
    // A window of 2 lets git try exactly one candidate: the object just before in its order.
    const result = await store.compact({ window: 2, depth: 50, full: true })
    expect(result.compacted).toBe(true)
    const oidOf = new Map<string, number>()
    for (let g = 0; g < count; g++) oidOf.set(git(dir, 'rev-parse', `HEAD:gen_${g}.json`).trim(), g)
    const idx = readdirSync(join(dir, '.git', 'objects', 'pack')).filter((n) => n.endsWith('.idx'))
    const verify = git(dir, 'verify-pack', '-v', ...idx.map((n) => join('.git', 'objects', 'pack', n)))
    const baseOf = new Map<number, number | null>()
    for (const line of verify.split('\n')) {
      const [oid, type, , , , , base] = line.split(/\s+/)
      if (type !== 'blob' || oid === undefined || !oidOf.has(oid)) continue
      baseOf.set(oidOf.get(oid)!, base === undefined ? null : (oidOf.get(base) ?? -1))
    }
    // Each delta's base is the next generation. pack-objects splits its list between threads (one
    // per core), and an object at the start of a thread's share has no candidate: no delta there.
    for (let g = 0; g < count; g++) expect([g + 1, null], `base of gen_${g}.json`).toContain(baseOf.get(g))
    expect([...baseOf.values()].filter((b) => b !== null).length).toBeGreaterThanOrEqual(count - 4)
    expect(baseOf.get(count - 1)).toBeNull()
    expectCleanRepo(dir)
  })
})
