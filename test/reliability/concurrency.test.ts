import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { errorOf, expectCleanRepo, git, tempDir } from '../helpers.js'
import { ensureBuilt, populationOf, startWriter } from './harness.js'

beforeAll(ensureBuilt)

const PROCESSES = 4
const SAVES = 50

/** Parses the lines of the race writers into wins and refusals. */
function outcomes(lines: string[][]) {
  const wins: { gen: number; commit: string; blob: string; writer: number }[] = []
  const refusals: { gen: number; code: string }[] = []
  lines.forEach((ls, writer) => {
    for (const line of ls) {
      const [kind, gen, a, b] = line.split(' ')
      if (kind === 'done') wins.push({ gen: Number(gen), commit: a!, blob: b!, writer })
      if (kind === 'refused') refusals.push({ gen: Number(gen), code: a! })
    }
  })
  return { wins, refusals }
}

describe('concurrent writers (separate processes)', () => {
  it(`${PROCESSES} processes × ${SAVES} saves of the same generations: exactly one wins each, the rest get a clear error, none is lost`, async () => {
    const dir = join(tempDir(), 'store')
    await openStore({ dir })
    const writers = Array.from({ length: PROCESSES }, (_, p) => startWriter([dir, 'race', String(p + 1), String(SAVES)]))
    // A reader in this process, never taking the lock: every file it sees is whole.
    const reader = await openStore({ dir })
    let reads = 0
    let running = true
    const reading = (async () => {
      while (running) {
        for (const name of readdirSync(dir).filter((n) => /^gen_\d+\.json$/.test(n))) {
          expect(Array.isArray(JSON.parse(readFileSync(join(dir, name), 'utf8')))).toBe(true)
          reads++
        }
        const ids = await reader.listGenerations()
        if (ids.length > 0) expect(await reader.loadGeneration(ids.at(-1)!)).toHaveLength(24)
        reads++
      }
    })()
    const exits = await Promise.all(writers.map((w) => w.exited))
    running = false
    await reading
    for (const e of exits) expect(e.code, e.stderr).toBe(0)
    const { wins, refusals } = outcomes(writers.map((w) => w.lines))
    expect(wins.length + refusals.length).toBe(PROCESSES * SAVES)
    expect(wins.map((w) => w.gen).sort((a, b) => a - b)).toEqual(Array.from({ length: SAVES }, (_, i) => i))
    expect(new Set(refusals.map((r) => r.code))).toSatisfy((codes: Set<string>) => [...codes].every((c) => c === 'E_GENERATION_EXISTS' || c === 'E_CONCURRENT_UPDATE'))
    // Every win is on the branch, in one linear history, byte-identical.
    const history = git(dir, 'rev-list', '--first-parent', 'HEAD').trim().split('\n')
    expect(history).toHaveLength(SAVES)
    expect(new Set(history)).toEqual(new Set(wins.map((w) => w.commit)))
    for (const w of wins) expect(git(dir, 'rev-parse', `${w.commit}:gen_${w.gen}.json`).trim()).toBe(w.blob)
    expectCleanRepo(dir)
    expect((await reader.verify()).ok).toBe(true)
    expect(reads).toBeGreaterThan(0)
    console.log(`race: ${wins.length} wins, ${refusals.length} refusals, ${reads} concurrent reads`)
  }, 120_000)

  it(`${PROCESSES} processes × ${SAVES} saves of distinct generations: all ${PROCESSES * SAVES} land, in one linear history`, async () => {
    const dir = join(tempDir(), 'store')
    await openStore({ dir })
    const writers = Array.from({ length: PROCESSES }, (_, p) => startWriter([dir, 'distinct', String(p), String(SAVES)]))
    const exits = await Promise.all(writers.map((w) => w.exited))
    for (const e of exits) expect(e.code, e.stderr).toBe(0)
    const { wins, refusals } = outcomes(writers.map((w) => w.lines))
    expect(refusals).toEqual([])
    expect(wins).toHaveLength(PROCESSES * SAVES)
    const history = git(dir, 'rev-list', 'HEAD').trim().split('\n')
    expect(new Set(history)).toEqual(new Set(wins.map((w) => w.commit)))
    expect(git(dir, 'rev-list', '--merges', 'HEAD').trim()).toBe('')
    const store = await openStore({ dir })
    expect(await store.listGenerations()).toHaveLength(PROCESSES * SAVES)
    for (const w of wins.filter((_, i) => i % 17 === 0)) expect(await store.loadGeneration(w.gen)).toEqual(populationOf(w.gen, w.writer))
    expectCleanRepo(dir)
  }, 120_000)
  it(`${PROCESSES} island workers × ${SAVES} saves, each on its own branch of one store: all land on their branch, HEAD and the working tree untouched`, async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir })
    const root = await store.saveGeneration(0, populationOf(0, 0))
    for (let p = 0; p < PROCESSES; p++) await store.branch(`island-${p}`, { from: 0 })
    const writers = Array.from({ length: PROCESSES }, (_, p) => startWriter([dir, 'island', String(p + 1), String(SAVES), `island-${p}`]))
    const exits = await Promise.all(writers.map((w) => w.exited))
    for (const e of exits) expect(e.code, e.stderr).toBe(0)
    const { wins, refusals } = outcomes(writers.map((w) => w.lines))
    expect(refusals).toEqual([])
    expect(wins).toHaveLength(PROCESSES * SAVES)
    for (let p = 0; p < PROCESSES; p++) {
      const line = git(dir, 'rev-list', '--first-parent', `island-${p}`).trim().split('\n')
      expect(line).toHaveLength(SAVES + 1)
      expect(line.at(-1)).toBe(root.commit)
      const mine = wins.filter((w) => w.writer === p)
      expect(new Set(line.slice(0, -1))).toEqual(new Set(mine.map((w) => w.commit)))
      for (const w of mine.filter((_, i) => i % 10 === 0)) {
        expect(await store.loadGeneration(w.gen, { ref: `island-${p}` })).toEqual(populationOf(w.gen, p + 1))
      }
    }
    // main and the working tree never moved: the islands wrote refs and objects only.
    expect(git(dir, 'rev-parse', 'main').trim()).toBe(root.commit)
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main')
    expect(readdirSync(dir).filter((n) => n.startsWith('gen_'))).toEqual(['gen_0.json'])
    expectCleanRepo(dir)
    expect((await store.branches()).map((b) => [b.name, b.latestGeneration])).toEqual([
      ...Array.from({ length: PROCESSES }, (_, p) => [`island-${p}`, SAVES]),
      ['main', 0],
    ])
  }, 120_000)
})

describe('the cross-process write lock', () => {
  it('excludes another process, never blocks readers, and is taken over at once when its holder is SIGKILLed', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir, lock: { timeoutMs: 300 } })
    await store.saveGeneration(0, populationOf(0, 0))
    const holder = startWriter([dir, 'lock', '1'])
    await holder.waitFor('locked')
    const err = await errorOf(store.saveGeneration(1, populationOf(1, 0)))
    expect(err.code).toBe('E_LOCKED')
    expect((err.data as { holder: string }).holder).toBe(`${holder.child.pid}@${hostname()}`)
    // Readers do not take the lock.
    const reader = await openStore({ dir })
    expect(await reader.listGenerations()).toEqual([0])
    expect(await reader.loadGeneration(0)).toEqual(populationOf(0, 0))
    expect((await reader.verify()).ok).toBe(true)
    holder.child.kill('SIGKILL')
    await holder.exited
    const saved = await store.saveGeneration(1, populationOf(1, 0))
    expect(saved.generation).toBe(1)
    expectCleanRepo(dir)
    expect(readdirSync(join(dir, '.git')).filter((n) => n.startsWith('evogit.lock'))).toEqual([])
  }, 60_000)

  it('takes over a lock whose holder on another host stopped refreshing it, and not before', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir, lock: { timeoutMs: 300, staleMs: 2_000 } })
    mkdirSync(join(dir, '.git/evogit.lock'))
    writeFileSync(join(dir, '.git/evogit.lock/owner.json'), JSON.stringify({ pid: 1, host: 'elsewhere', since: new Date().toISOString() }))
    expect(await errorOf(store.saveGeneration(0, populationOf(0, 0)))).toMatchObject({ code: 'E_LOCKED', data: { holder: '1@elsewhere' } })
    const old = new Date(Date.now() - 60_000)
    utimesSync(join(dir, '.git/evogit.lock'), old, old)
    await store.saveGeneration(0, populationOf(0, 0))
    expectCleanRepo(dir)
  })

  it('takes over a lock whose creator died before naming itself (a dead claim), without waiting for it to go stale', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir, lock: { timeoutMs: 1_000, staleMs: 60_000 } })
    const dead = startWriter([dir, 'lock', '1'])
    await dead.waitFor('locked')
    dead.child.kill('SIGKILL')
    await dead.exited
    // What a SIGKILL between mkdir and the owner file leaves: the directory and the claim.
    git(dir, 'status') // (any process may look meanwhile)
    const lockDir = join(dir, '.git/evogit.lock')
    writeFileSync(join(dir, `.git/evogit.lock.claim.${dead.child.pid}.0badc0de`), JSON.stringify({ pid: dead.child.pid, host: hostname(), start: null }))
    for (const name of readdirSync(lockDir)) writeFileSync(join(lockDir, name), '') // owner file torn to nothing
    expect(statSync(lockDir).isDirectory()).toBe(true)
    await store.saveGeneration(0, populationOf(0, 0))
    expect(readdirSync(join(dir, '.git')).filter((n) => n.startsWith('evogit.lock'))).toEqual([])
    expectCleanRepo(dir)
  })
})
