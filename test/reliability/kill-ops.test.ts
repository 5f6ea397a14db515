// SIGKILL at random instants of each history operation (issue #15, "What the suites must cover"):
// branch, checkout, rollback, restoreArchive, importGenerations, pull and compact, each at least
// 30 times, every invariant of kill.test.ts checked after every kill.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { startGitServer } from '../git-server.js'
import { git } from '../helpers.js'
import { ensureBuilt, filesEndingWith, OP_WRITER, populationOf, startWriter } from './harness.js'

/** At least 30 per operation; raise with EVOGIT_OP_KILLS (or EVOGIT_KILLS). */
const KILLS = Math.max(30, Number(process.env['EVOGIT_OP_KILLS'] ?? process.env['EVOGIT_KILLS'] ?? 30))

beforeAll(ensureBuilt)

/** The suites run concurrently, so each owns and removes its temp root (helpers' tempDir is per test, not per suite). */
function ownTemp(): { root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'evogit-killops-'))
  return { root, done: () => rmSync(root, { recursive: true, force: true }) }
}

interface Tally {
  kills: number
  early: number
  opsDone: number
  savesDone: number
  interruptedOps: number
  lockLeft: number
  tempLeft: number
  journalLeft: number
  gitLockLeft: number
  waitedForStale: number
  /** The kill window at the end, after any widening. */
  windowMs: number
}

/** Saves generations 0..3 on main and 2..3 on `alt` (forked at 1), as every suite's starting point. */
async function seedStore(dir: string): Promise<void> {
  const store = await openStore({ dir })
  const save = async (n: number, variant: number) => {
    const pop = populationOf(n, variant)
    await store.saveGeneration(n, pop, { scores: pop.map((p) => p.genome[0]!), meta: { variant } })
  }
  for (let n = 0; n < 4; n++) await save(n, 0)
  await store.branch('alt', { from: 1, checkout: true })
  for (let n = 2; n < 4; n++) await save(n, 5)
  await store.checkout('main')
}

function lockDiagnosis(dir: string): string {
  const owner = (() => {
    try {
      return readFileSync(join(dir, '.git/evogit.lock/owner.json'), 'utf8')
    } catch (err) {
      return String(err)
    }
  })()
  const list = (path: string) => {
    try {
      return readdirSync(path)
    } catch (err) {
      return String(err)
    }
  }
  return JSON.stringify({ owner, entries: list(join(dir, '.git')), inLock: list(join(dir, '.git/evogit.lock')) })
}

/** Everything kill.test.ts checks after a kill, for whatever operation was interrupted. */
async function expectIntact(dir: string, acked: Set<string>, tally: Tally, k: number): Promise<void> {
  if (existsSync(join(dir, '.git/evogit.lock'))) tally.lockLeft++
  if (filesEndingWith(dir, '.evogit-tmp').length > 0) tally.tempLeft++
  if (existsSync(join(dir, '.git/evogit/pending.json'))) tally.journalLeft++
  if (filesEndingWith(join(dir, '.git'), '.lock').length > 0) tally.gitLockLeft++

  const store = await openStore({ dir, lock: { staleMs: 3_000, timeoutMs: 10_000 } })
  if (existsSync(join(dir, '.git/evogit.lock'))) {
    tally.waitedForStale++
    expect((await store.verify({ repair: true })).leftovers).toEqual([])
  }
  expect(existsSync(join(dir, '.git/evogit.lock')), `the lock outlived its dead holder: ${lockDiagnosis(dir)}`).toBe(false)
  expect(filesEndingWith(dir, '.evogit-tmp')).toEqual([])
  expect(filesEndingWith(join(dir, '.git'), '.lock')).toEqual([])
  expect(existsSync(join(dir, '.git/evogit/pending.json'))).toBe(false)
  expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
  git(dir, 'fsck', '--strict', '--no-progress', '--no-dangling')

  // Every commit an operation or save returned is still reachable.
  const reachable = new Set(git(dir, 'rev-list', '--all').trim().split('\n'))
  for (const commit of acked) expect(reachable.has(commit), `commit ${commit} was lost`).toBe(true)

  // HEAD's tree is whole: a sidecar per generation, and every generation reads back exactly.
  const names = git(dir, 'ls-tree', '-r', '--name-only', 'HEAD').trim().split('\n')
  const gens = names.filter((n) => /^gen_\d+\.json$/.test(n)).map((n) => Number(n.slice(4, -5))).sort((a, b) => a - b)
  const sidecars = names.filter((n) => n.startsWith('.evogit/meta/')).map((n) => Number(n.split('/').at(-1)!.slice(0, -5))).sort((a, b) => a - b)
  expect(sidecars).toEqual(gens)
  expect(await store.listGenerations()).toEqual(gens)
  for (const n of gens) {
    const meta = (await store.loadMetadata(n))!.meta as { variant?: number } | undefined
    expect(await store.loadGeneration(n)).toEqual(populationOf(n, meta?.variant ?? 0))
  }
  if (k % 10 === 9) {
    const report = await store.verify()
    expect(report.ok, JSON.stringify(report.branches.flatMap((b) => b.problems))).toBe(true)
  }
}

/**
 * Kills `op-writer.mjs <op>` on `dir` `KILLS` times: mostly while it loops over the operation
 * (after a random delay of up to `windowMs`), sometimes while it is still opening the store.
 */
async function killLoop(op: string, dir: string, windowMs: number, seed: number, acked: Set<string>): Promise<Tally> {
  const tally: Tally = { kills: 0, early: 0, opsDone: 0, savesDone: 0, interruptedOps: 0, lockLeft: 0, tempLeft: 0, journalLeft: 0, gitLockLeft: 0, waitedForStale: 0, windowMs }
  let state = seed
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  // On a loaded machine one operation can outlast the whole window, and then no kill would ever
  // land after a finished operation; the window widens until some do, up to 8 times its start.
  let window = windowMs
  for (let k = 0; k < KILLS; k++) {
    const writer = startWriter([dir, op, String(seed * 1000 + k)], { script: OP_WRITER, group: op === 'compact' })
    if (random() < 0.1) {
      tally.early++
      await Promise.race([sleep(100 + random() * 300), writer.exited])
    } else {
      await writer.waitFor('ready')
      await Promise.race([sleep(random() * window), writer.exited])
    }
    writer.kill()
    const exit = await writer.exited
    expect(exit.signal, `${op} writer ${k} died on its own: ${exit.stderr}`).toBe('SIGKILL')
    tally.kills++
    for (const line of writer.lines) {
      const parts = line.split(' ')
      if (parts[0] === 'done') {
        tally.savesDone++
        acked.add(parts[2]!)
      }
      if (parts[0] === 'op-done') {
        tally.opsDone++
        if (parts.at(-1) !== '-') acked.add(parts.at(-1)!)
      }
    }
    if ((writer.lines.at(-1) ?? '').startsWith('op ')) tally.interruptedOps++
    if (tally.opsDone === 0) tally.windowMs = window = Math.min(window * 1.5, windowMs * 8)
    await expectIntact(dir, acked, tally, k)
  }
  return tally
}

const WINDOW_MS: Record<string, number> = { branch: 250, checkout: 250, rollback: 250, restore: 900, import: 400, pull: 700, compact: 900 }

describe.concurrent('SIGKILL at random instants of each operation', () => {
  for (const op of ['branch', 'checkout', 'rollback', 'restore', 'import', 'compact']) {
    it(`${op}: ${KILLS} kills, the store always opens whole and nothing returned is lost`, async () => {
      const { root, done } = ownTemp()
      try {
        const dir = join(root, 'store')
        await seedStore(dir)
        const acked = new Set(git(dir, 'rev-list', '--all').trim().split('\n'))
        const started = performance.now()
        const tally = await killLoop(op, dir, WINDOW_MS[op]!, Object.keys(WINDOW_MS).indexOf(op) + 7, acked)
        console.log(`kill suite ${op}: ${JSON.stringify({ ...tally, seconds: Math.round((performance.now() - started) / 1000) })}`)
        expect(tally.kills).toBe(KILLS)
        // The kills landed inside the operations, not only between them.
        expect(tally.opsDone).toBeGreaterThan(0)
        expect(tally.interruptedOps).toBeGreaterThan(0)
      } finally {
        done()
      }
    }, 600_000)
  }

  it(`pull: ${KILLS} kills during fetch and fast-forward from a real git server`, async () => {
    const { root, done } = ownTemp()
    execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', join(root, 'server', 'run.git')])
    const server = await startGitServer(join(root, 'server'))
    try {
      const source = join(root, 'source')
      const src = await openStore({ dir: source })
      for (let n = 0; n < 8; n++) await src.saveGeneration(n, populationOf(n, 0), { meta: { variant: 0 } })
      await src.push({ url: server.url('run.git') })
      const dir = join(root, 'store')
      const store = await openStore({ dir })
      await store.setRemote('origin', server.url('run.git'))
      await store.pull({ branch: 'main' })
      const acked = new Set(git(dir, 'rev-list', '--all').trim().split('\n'))
      const started = performance.now()
      const tally = await killLoop('pull', dir, WINDOW_MS['pull']!, 3, acked)
      console.log(`kill suite pull: ${JSON.stringify({ ...tally, requests: server.requests(), seconds: Math.round((performance.now() - started) / 1000) })}`)
      expect(tally.kills).toBe(KILLS)
      expect(tally.opsDone).toBeGreaterThan(0)
      expect(tally.interruptedOps).toBeGreaterThan(0)
    } finally {
      await server.close()
      done()
    }
  }, 600_000)
})
