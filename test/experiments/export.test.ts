import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { fieldCell, fieldColumns, leafPaths } from '../../src/model/export-row.js'
import { ok } from '../cli/run-cli.js'
import { fixedClock, population, tempDir } from '../helpers.js'

/** Generations of the streaming-memory test; the figure is 1000 (raise or lower with the variable). */
const MEMORY_GENERATIONS = Math.max(50, Number(process.env['EVOGIT_EXPORT_GENERATIONS'] ?? 1000))

/** python3's csv module reads the CSV into a list of dicts (everything a string, as pandas gets it). */
function pythonCsv(path: string): Record<string, string>[] {
  const script = 'import csv,json,sys\nwith open(sys.argv[1], newline="", encoding="utf-8") as f:\n    print(json.dumps(list(csv.DictReader(f))))'
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Record<string, string>[]
}

async function twoBranchStore() {
  const dir = tempDir()
  const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
  const odd = (g: number, i: number) => (g * 0.1 + i / 3) / 7 // many digits: proves exact round-trips
  for (let g = 0; g < 3; g++) {
    const pop = population(3, g).map((p, i) => (i === 1 ? { ...p, name: `Ann, "the" ${g}`, backstory: 'two\nlines' } : p))
    await store.saveGeneration(g, pop, { scores: { score: pop.map((_, i) => odd(g, i)), cost: pop.map((_, i) => 1 - odd(g, i)) } })
  }
  await store.branch('hi', { from: 1, checkout: true })
  await store.saveGeneration(2, population(2, 20), { scores: { score: [0.25, 1e-7], cost: [3, 4] } })
  await store.checkout('main')
  return { dir, store }
}

describe('export', () => {
  it('writes CSV that python3 csv reads back with every value equal to the store', async () => {
    const { dir, store } = await twoBranchStore()
    await ok(['export', '--ref', 'main', '--ref', 'hi', '--fields', 'name,personality_traits.openness,backstory,hobbies', '-o', 'out.csv'], { cwd: dir })
    const rows = pythonCsv(join(dir, 'out.csv'))
    expect(Object.keys(rows[0]!)).toEqual(['branch', 'commit', 'generation', 'index', 'cost', 'score', 'name', 'personality_traits.openness', 'backstory', 'hobbies'])
    let checked = 0
    for (const ref of ['main', 'hi']) {
      const log = (await store.log({ ref })).reverse()
      const mine = rows.filter((r) => r.branch === ref)
      let k = 0
      for (const entry of log) {
        const pop = await store.loadGeneration(entry.generation, { ref: entry.commit })
        const meta = (await store.loadMetadata(entry.generation, { ref: entry.commit }))!
        for (let i = 0; i < pop.length; i++) {
          const row = mine[k++]!
          expect(row.commit).toBe(entry.commit)
          expect(Number(row.generation)).toBe(entry.generation)
          expect(Number(row.index)).toBe(i)
          // float() of the text is exactly the stored double.
          expect(Number(row.score)).toBe(meta.scores['score']![i])
          expect(Number(row.cost)).toBe(meta.scores['cost']![i])
          expect(row.name).toBe(pop[i]!.name)
          expect(row.backstory).toBe(pop[i]!.backstory)
          expect(Number(row['personality_traits.openness'])).toBe(pop[i]!.personality_traits['openness'])
          expect(JSON.parse(row.hobbies!)).toEqual(pop[i]!.hobbies)
          checked++
        }
      }
      expect(k).toBe(mine.length)
    }
    expect(checked).toBe(3 * 3 + (2 * 3 + 2))
    expect(rows.find((r) => r.name?.startsWith('Ann'))!.backstory).toBe('two\nlines')
  })

  it('streams JSON lines and per-generation statistics, and refuses bad options', async () => {
    const { dir, store } = await twoBranchStore()
    const jsonl = (await ok(['export', '--format', 'jsonl', '--fields', 'name'], { cwd: dir })).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(jsonl).toHaveLength(9)
    expect(jsonl[4]).toEqual({ branch: 'main', commit: (await store.log())[1]!.commit, generation: 1, index: 1, cost: expect.any(Number) as number, score: (1 * 0.1 + 1 / 3) / 7, name: 'Ann, "the" 1' })
    const perGen = await ok(['export', '--per', 'generation', '--ref', 'hi', '-o', 'gen.csv'], { cwd: dir })
    expect(perGen.stderr).toContain('exported 3 generation rows')
    const gens = pythonCsv(join(dir, 'gen.csv'))
    const log = (await store.log({ ref: 'hi' })).reverse()
    expect(gens.map((g) => Number(g.generation))).toEqual([0, 1, 2])
    for (const [i, g] of gens.entries()) {
      for (const stat of ['min', 'max', 'mean', 'median', 'stdev', 'count'] as const) expect(Number(g[`score.${stat}`])).toBe(log[i]!.stats['score']![stat])
      expect(Number(g['score.best'])).toBe(log[i]!.stats['score']!.max)
      expect(Number(g.populationSize)).toBe(log[i]!.populationSize)
    }
    const lib: unknown[] = []
    for await (const row of store.exportRows({ per: 'generation' })) lib.push(row)
    expect(lib).toHaveLength(3)
    await expect(async () => {
      for await (const row of store.exportRows({ refs: ['nope'] })) void row
    }).rejects.toMatchObject({ code: 'E_REF_NOT_FOUND', caller: 'exportRows' })
    await expect(async () => {
      for await (const row of store.exportRows({ fields: ['a..b'] })) void row
    }).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' })
    const bad = await (await import('../cli/run-cli.js')).evogit(['export', '--format', 'xml'], { cwd: dir })
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('--format must be csv or jsonl')
    expect(readFileSync(join(dir, 'gen.csv'), 'utf8').split('\r\n')[0]).toMatch(/^branch,commit,generation,time,populationSize,cost\.best,/)
  })

  it('fields: dotted paths, JSON for arrays, collisions renamed', () => {
    expect(fieldCell({ a: { b: 1 } }, 'a.b')).toBe(1)
    expect(fieldCell({ a: [1, 2] }, 'a')).toBe('[1,2]')
    expect(fieldCell({ a: 1 }, 'a.b')).toBeNull()
    expect(leafPaths({ a: 1, b: { c: 2, d: {} }, e: [1] })).toEqual(['a', 'b.c', 'b.d', 'e'])
    expect(fieldColumns(['score', 'name'], ['branch', 'score'])).toEqual(['individual.score', 'name'])
  })

  it(`streams ${MEMORY_GENERATIONS} generations × 100 individuals with a heap that does not grow with generations`, async () => {
    const dir = tempDir()
    const child = join(import.meta.dirname, 'fixtures', 'export-memory.mjs')
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', child, '', join(dir, 'store'), String(MEMORY_GENERATIONS), '100'], { maxBuffer: 1 << 24 })
    const { samples, rows, bytes } = JSON.parse(stdout) as { samples: { generation: number; heapUsed: number }[]; rows: number; bytes: number }
    expect(rows).toBe(MEMORY_GENERATIONS * 100)
    expect(samples.length).toBeGreaterThanOrEqual(15)
    // After the first tenth (caches warm), the heap stays flat: its growth to the end is a small
    // fraction of what was exported (tens of MB), not proportional to it.
    const warm = samples.filter((s) => s.generation >= MEMORY_GENERATIONS / 10)
    const growth = Math.max(...warm.map((s) => s.heapUsed)) - warm[0]!.heapUsed
    expect(bytes).toBeGreaterThan(MEMORY_GENERATIONS * 100 * 250)
    expect(growth).toBeLessThan(Math.max(4 << 20, bytes / 50))
  }, 600_000)
})
