// Real faults, not an injected fs (issue #15): a genuinely full file system, a read-only store,
// unwritable .git/objects, a lock held by a live process that is not ours, a lock whose owner's
// pid was reused. Each: a clear coded error, nothing stored lost or changed, the store opens after.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, utimesSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type EvogitError } from '../../src/index.js'
import { processStart } from '../../src/io/lock.js'
import { errorOf, expectCleanRepo, git, snapshot, tempDir } from '../helpers.js'
import { filesEndingWith, populationOf } from './harness.js'

const isRoot = process.getuid?.() === 0
const mounted: string[] = []
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const path of mounted.splice(0).reverse()) {
    try {
      execFileSync('umount', [path], { stdio: 'pipe' })
    } catch {
      execFileSync('umount', ['-l', path], { stdio: 'pipe' })
    }
  }
})

/** Mounts with `mount(8)`; false (nothing mounted) where the test may not mount, e.g. without root or CAP_SYS_ADMIN. */
function tryMount(args: string[], target: string): boolean {
  try {
    execFileSync('mount', [...args, target], { stdio: 'pipe' })
    mounted.push(target)
    return true
  } catch {
    return false
  }
}

/** Makes `path` read-only for this process: a read-only bind mount as root (root ignores mode bits), chmod otherwise. */
function makeReadOnly(path: string): boolean {
  if (!isRoot) {
    execFileSync('chmod', ['-R', 'a-w', path])
    return true
  }
  if (!tryMount(['--bind', path], path)) return false
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', path], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}

function undoReadOnly(path: string): void {
  if (!isRoot) {
    execFileSync('chmod', ['-R', 'u+w', path])
    return
  }
  const at = mounted.lastIndexOf(path)
  if (at >= 0) {
    execFileSync('umount', [path], { stdio: 'pipe' })
    mounted.splice(at, 1)
  }
}

/** A store with generations 0..2 on main and a branch `alt`, and what each save returned. */
async function seeded(dir: string) {
  const store = await openStore({ dir })
  const saved = new Map<number, string>()
  for (let n = 0; n < 3; n++) {
    const pop = populationOf(n, 0)
    saved.set(n, (await store.saveGeneration(n, pop, { scores: pop.map((p) => p.genome[0]!), meta: { variant: 0 } })).blob)
  }
  await store.branch('alt', { from: 1 })
  return { store, saved }
}

/** Everything saved is there, byte for byte, and native git finds the repository sound. */
async function expectIntact(dir: string, saved: Map<number, string>): Promise<void> {
  const store = await openStore({ dir })
  for (const [n, blob] of saved) expect(git(dir, 'rev-parse', `main:gen_${n}.json`).trim(), `gen ${n}`).toBe(blob)
  expect(filesEndingWith(dir, '.evogit-tmp')).toEqual([])
  expect(existsSync(join(dir, '.git/evogit.lock'))).toBe(false)
  expectCleanRepo(dir)
  const report = await store.verify()
  expect(report.ok, JSON.stringify(report.branches.flatMap((b) => b.problems))).toBe(true)
}

function big(n: number): ReturnType<typeof populationOf> {
  // About 40 KB of JSON: more than the space left in most rounds below.
  return Array.from({ length: 10 }, (_, v) => populationOf(n, v + 1)).flat()
}

describe('a genuinely full file system (a small tmpfs)', () => {
  it('fails each save, branch and rollback with E_IO ENOSPC and loses nothing; writing works again once space is freed', async (ctx) => {
    const mnt = tempDir('evogit-tmpfs-')
    if (!tryMount(['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs'], mnt)) {
      console.warn('skipped: cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN); CI runs this as root')
      ctx.skip()
      return
    }
    const dir = join(mnt, 'store')
    const { saved } = await seeded(dir)
    const filler = join(mnt, 'filler')
    const figures = { rounds: 0, enospc: 0, fitted: 0 }
    let next = 3
    for (const leave of [0, 1024, 4096, 8192, 12288, 16384, 24576, 32768, 40960, 49152, 65536, 81920, 98304, 131072]) {
      // Fill the disk to the last byte, then give back `leave` bytes.
      const fd = openSync(filler, 'w')
      const chunk = Buffer.alloc(64 * 1024, 7)
      let size = 0
      for (let step = chunk.length; step >= 512; ) {
        try {
          size += writeSync(fd, chunk, 0, step)
        } catch {
          step >>= 1
        }
      }
      ftruncateSync(fd, Math.max(0, size - leave))
      closeSync(fd)
      const store = await openStore({ dir })
      const before = snapshot(dir)
      const op = figures.rounds % 3
      figures.rounds++
      let err: EvogitError | null = null
      try {
        if (op === 0) {
          const result = await store.saveGeneration(next, big(next), { meta: { variant: -1 } })
          saved.set(next++, result.blob)
          figures.fitted++
        } else if (op === 1) {
          await store.branch(`b${figures.rounds}`, { from: 0, checkout: true })
          await store.checkout('main')
          figures.fitted++
        } else {
          await store.rollback(1)
          figures.fitted++
          // The rolled-back generations are archived, not lost; put them back for the next round.
          const archive = (await store.archives())[0]!
          await store.restoreArchive(archive.id)
        }
      } catch (caught) {
        err = caught as EvogitError
      }
      if (err) {
        expect(err.code, `op ${op}, leave ${leave}: ${err.stack ?? String(err)}`).toBe('E_IO')
        expect((err.data as { errno?: string }).errno).toBe('ENOSPC')
        expect(err.message).toContain('the disk is full')
        figures.enospc++
        if (op === 0) expect(snapshot(dir)).toEqual(before)
      }
      rmSync(filler)
      // With space again, the next open repairs whatever the failure left, and writing works.
      await expectIntact(dir, saved)
      const again = await openStore({ dir })
      if ((await again.currentBranch()) !== 'main') await again.checkout('main')
      const result = await again.saveGeneration(next, populationOf(next, 0), { meta: { variant: 0 } })
      saved.set(next++, result.blob)
    }
    console.log(`full-disk test: ${JSON.stringify(figures)}`)
    expect(figures.enospc).toBeGreaterThanOrEqual(5)
    await expectIntact(dir, saved)
  }, 120_000)
})

describe('a read-only store directory', () => {
  it('reads everything, refuses every write with E_IO EROFS/EACCES, and changes nothing', async (ctx) => {
    const dir = join(tempDir(), 'store')
    const { saved } = await seeded(dir)
    const before = snapshot(dir)
    const refs = git(dir, 'for-each-ref')
    if (!makeReadOnly(dir)) {
      console.warn('skipped: cannot make a read-only bind mount here (needs CAP_SYS_ADMIN as root)')
      ctx.skip()
      return
    }
    const store = await openStore({ dir })
    expect(await store.listGenerations()).toEqual([0, 1, 2])
    expect(await store.loadGeneration(2)).toEqual(populationOf(2, 0))
    expect((await store.log()).length).toBe(3)
    expect((await store.branches()).map((b) => b.name)).toEqual(['alt', 'main'])
    expect((await store.verify()).ok).toBe(true)
    const writes: [string, () => Promise<unknown>][] = [
      ['saveGeneration', () => store.saveGeneration(3, populationOf(3, 0))],
      ['branch', () => store.branch('new', { from: 0 })],
      ['checkout', () => store.checkout('alt')],
      ['rollback', () => store.rollback(0)],
      ['tag', () => store.tag('t', 1)],
      ['setRemote', () => store.setRemote('origin', 'http://127.0.0.1:9/r.git')],
      ['verify --repair', () => store.verify({ repair: true })],
    ]
    for (const [what, write] of writes) {
      const err = await errorOf<{ errno?: string }>(write())
      expect(err.code, `${what}: ${err.message}`).toBe('E_IO')
      expect(['EROFS', 'EACCES'], what).toContain(err.data.errno)
    }
    const creating = await errorOf<{ errno?: string }>(openStore({ dir: join(dir, 'inner', 'deeper') }))
    expect(creating.code).toBe('E_IO')
    expect(['EROFS', 'EACCES']).toContain(creating.data.errno)
    undoReadOnly(dir)
    expect(snapshot(dir)).toEqual(before)
    expect(git(dir, 'for-each-ref')).toBe(refs)
    await expectIntact(dir, saved)
    await (await openStore({ dir })).saveGeneration(3, populationOf(3, 0))
    expectCleanRepo(dir)
  }, 60_000)
})

describe('an unwritable .git/objects', () => {
  it('fails a save with E_IO before anything moves, and saves again once writable', async (ctx) => {
    const dir = join(tempDir(), 'store')
    const { store, saved } = await seeded(dir)
    const before = snapshot(dir)
    if (!makeReadOnly(join(dir, '.git/objects'))) {
      console.warn('skipped: cannot make a read-only bind mount here (needs CAP_SYS_ADMIN as root)')
      ctx.skip()
      return
    }
    for (const n of [3, 4]) {
      const err = await errorOf<{ errno?: string; path: string }>(store.saveGeneration(n, populationOf(n, 0)))
      expect(err.code).toBe('E_IO')
      expect(['EROFS', 'EACCES']).toContain(err.data.errno)
      expect(err.data.path).toContain('.git/objects')
      expect(snapshot(dir)).toEqual(before)
      expect(filesEndingWith(dir, '.evogit-tmp')).toEqual([])
    }
    undoReadOnly(join(dir, '.git/objects'))
    await expectIntact(dir, saved)
    await store.saveGeneration(3, populationOf(3, 0))
    expectCleanRepo(dir)
  }, 60_000)
})

/** A live process that is not evogit (`sleep`), and its start time as /proc reports it. */
function liveStranger(): { pid: number; start: string | null; child: ChildProcess } {
  const child = spawn('sleep', ['120'], { stdio: 'ignore' })
  children.push(child)
  const pid = child.pid!
  return { pid, start: processStart(pid), child }
}

/** Writes `.git/evogit.lock` as a holder would: the directory and its owner file. */
function plantLock(dir: string, owner: { pid: number; start: string | null }): void {
  const lockDir = join(dir, '.git/evogit.lock')
  mkdirSync(lockDir)
  writeFileSync(join(lockDir, 'owner.json'), JSON.stringify({ pid: owner.pid, host: hostname(), since: new Date().toISOString(), start: owner.start, nonce: 'planted' }))
}

describe('locks held by others', () => {
  it('waits for a lock held by a live process that is not ours, fails with E_LOCKED naming it, and takes it over at once when it dies', async () => {
    const dir = join(tempDir(), 'store')
    const { saved } = await seeded(dir)
    const stranger = liveStranger()
    plantLock(dir, stranger)
    // The holder keeps its lock fresh, as a live evogit holder refreshes it.
    const refresh = setInterval(() => utimesSync(join(dir, '.git/evogit.lock'), new Date(), new Date()), 200)
    try {
      const before = snapshot(dir)
      const store = await openStore({ dir, lock: { timeoutMs: 1_500, staleMs: 10_000 } })
      // Readers never wait for the lock.
      expect(await store.listGenerations()).toEqual([0, 1, 2])
      const started = Date.now()
      const err = await errorOf<{ holder?: string }>(store.saveGeneration(3, populationOf(3, 0)))
      expect(err.code).toBe('E_LOCKED')
      expect(err.data.holder).toBe(`${stranger.pid}@${hostname()}`)
      expect(err.message).toContain(`process ${stranger.pid}`)
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400)
      expect(await errorOf(store.branch('x', { from: 0 })).then((e) => e.code)).toBe('E_LOCKED')
      expect(snapshot(dir)).toEqual(before)
      expect(existsSync(join(dir, '.git/evogit.lock/owner.json'))).toBe(true)
    } finally {
      clearInterval(refresh)
    }
    stranger.child.kill('SIGKILL')
    await new Promise((done) => stranger.child.once('exit', done))
    const store = await openStore({ dir, lock: { timeoutMs: 5_000, staleMs: 10_000 } })
    const started = Date.now()
    saved.set(3, (await store.saveGeneration(3, populationOf(3, 0))).blob)
    expect(Date.now() - started, 'a dead holder is taken over at once, not after staleMs').toBeLessThan(5_000)
    await expectIntact(dir, saved)
  }, 60_000)

  it("takes over at once a lock whose owner's pid now belongs to another process", async () => {
    const dir = join(tempDir(), 'store')
    const { saved } = await seeded(dir)
    // The pid is alive, but the process behind it started at another time than the lock's owner did.
    const reused = liveStranger()
    expect(reused.start, 'this test needs /proc').not.toBeNull()
    plantLock(dir, { pid: reused.pid, start: String(Number(reused.start) - 1) })
    const store = await openStore({ dir, lock: { timeoutMs: 5_000, staleMs: 60_000 } })
    const started = Date.now()
    saved.set(3, (await store.saveGeneration(3, populationOf(3, 0))).blob)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(existsSync(join(dir, '.git/evogit.lock'))).toBe(false)
    // The process that got the pid is left alone.
    expect(reused.child.exitCode).toBeNull()
    await expectIntact(dir, saved)
  }, 60_000)

  it("refuses to update a ref whose git lock a live git command holds, and never removes that lock", async () => {
    const dir = join(tempDir(), 'store')
    const { store, saved } = await seeded(dir)
    const lock = join(dir, '.git/refs/heads/main.lock')
    writeFileSync(lock, '')
    const mtime = statSync(lock).mtimeMs
    const before = snapshot(dir)
    const err = await errorOf<{ dir?: string }>(store.saveGeneration(3, populationOf(3, 0)))
    expect(err.code).toBe('E_LOCKED')
    expect(err.message).toContain('main.lock')
    expect(snapshot(dir)).toEqual(before)
    await openStore({ dir })
    expect(statSync(lock).mtimeMs).toBe(mtime)
    rmSync(lock)
    saved.set(3, (await store.saveGeneration(3, populationOf(3, 0))).blob)
    await expectIntact(dir, saved)
  }, 60_000)
})
