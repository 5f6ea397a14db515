import { spawn } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { ok } from '../cli/run-cli.js'
import { expectCleanRepo, fixedClock, git, tempDir } from '../helpers.js'

const packs = (dir: string) => readdirSync(join(dir, '.git', 'objects', 'pack')).filter((n) => n.endsWith('.pack'))
/** What git gc --auto would estimate: the loose objects in objects/17, times 256. */
const sampled = (dir: string) => {
  const at = join(dir, '.git', 'objects', '17')
  return existsSync(at) ? readdirSync(at).filter((n) => /^[0-9a-f]{38}$/.test(n)).length * 256 : 0
}
const compactLock = (dir: string) => join(dir, '.git', 'evogit-compact.lock')

/** A process of its own that holds the store's background-compaction lock until it is killed. */
async function holdCompactionLock(dir: string) {
  const script = `
    import { WriteLock } from ${JSON.stringify(new URL('../../dist/src/io/lock.js', import.meta.url).href)}
    await new WriteLock(${JSON.stringify(join(dir, '.git'))}, { timeoutMs: 0 }, undefined, 'evogit-compact.lock').run(async () => {
      console.log('held')
      await new Promise((done) => setTimeout(done, 60_000))
    })
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && done())
    child.once('exit', (code) => fail(new Error(`the lock holder exited early (${code})`)))
  })
  return child
}

/** Saves generations `from`..`to`-1 of one tiny individual each (deterministic: fixed clock and content). */
async function fill(dir: string, from: number, to: number, clock: () => Date): Promise<void> {
  const filler = await openStore({ dir, durable: false, autoCompact: false, clock })
  for (let g = from; g < to; g++) await filler.saveGeneration(g, [{ x: g, tag: `individual of generation ${g}` }], { scores: [g] })
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((done) => setTimeout(done, 100))
  expect(check(), what).toBe(true)
}

describe('compaction due from the repository itself (as git gc --auto)', () => {
  it('estimates loose objects by one sampled directory, waits for a running compaction, and ignores what a compaction cannot pack', async () => {
    const dir = tempDir()
    const clock = fixedClock()
    await fill(dir, 0, 1, clock)
    const checker = await openStore({ dir, autoCompact: { every: 10 } }) // due at 70 loose objects
    const start = await checker.compactionDue()
    expect(start).toMatchObject({ looseObjects: sampled(dir), threshold: 70, due: false })

    await fill(dir, 1, 150, clock)
    const full = await checker.compactionDue()
    expect(full.looseObjects).toBe(sampled(dir))
    expect(full.looseObjects, 'precondition: 150 saves put objects in objects/17').toBeGreaterThanOrEqual(70)
    expect(full).toMatchObject({ due: true, running: false })
    expect((await (await openStore({ dir, autoCompact: false })).compactionDue()).due).toBe(false)

    // A background compaction of another live process is running: not due, and a second one does nothing.
    const holder = await holdCompactionLock(dir)
    try {
      expect(await checker.compactionDue()).toMatchObject({ due: false, running: true })
      const refused = await checker.compact({ background: true })
      expect(refused).toMatchObject({ compacted: false, mode: 'none' })
      expect(refused.message).toContain(`already running (${holder.pid}@`)
      expect(packs(dir)).toEqual([])
    } finally {
      holder.kill('SIGKILL')
    }
    await new Promise((done) => holder.once('exit', done))
    // Its process died (killed mid-repack): the lock is nobody's, and is taken over.
    expect(existsSync(compactLock(dir))).toBe(true)
    expect(await checker.compactionDue()).toMatchObject({ due: true, running: false })
    // Two at once in one process: exactly one compacts.
    const [a, b] = await Promise.all([checker.compact({ background: true }), checker.compact({ background: true })])
    expect([a.mode, b.mode].sort()).toEqual(['incremental', 'none'])
    expect(existsSync(compactLock(dir))).toBe(false)
    await fill(dir, 150, 300, clock)
    const done = await checker.compact({ background: true })
    expect(done).toMatchObject({ compacted: true, mode: 'incremental' })
    expect(existsSync(compactLock(dir))).toBe(false)
    expect(await checker.compactionDue()).toMatchObject({ due: false, looseObjects: sampled(dir) })

    // Unreachable loose objects (what failed saves leave) are not packed; they must not make a
    // compaction due again after every save.
    const junk = join(tempDir(), 'junk')
    const paths: string[] = []
    for (let i = 0; i < 3000; i++) {
      writeFileSync(`${junk}-${i}`, `unreachable ${i}\n`)
      paths.push(`${junk}-${i}`)
    }
    git(dir, 'hash-object', '-w', ...paths)
    await checker.compact({ background: true })
    const after = await checker.compactionDue()
    expect(after.looseObjects, 'precondition: the junk is in objects/17').toBeGreaterThanOrEqual(70)
    expect(after).toMatchObject({ due: false, looseAfterLastCompaction: after.looseObjects })
    expectCleanRepo(dir)
  }, 60_000)

  it('`evogit save` run once per generation starts a background compaction when one is due', async () => {
    const dir = tempDir()
    await fill(dir, 0, 300, fixedClock())
    expect(sampled(dir), 'precondition: past the default 1750 loose objects').toBeGreaterThanOrEqual(1750)
    expect(packs(dir)).toEqual([])
    const inputs = tempDir()
    writeFileSync(join(inputs, '300.json'), JSON.stringify([{ x: 300 }]))
    writeFileSync(join(inputs, '301.json'), JSON.stringify([{ x: 301 }]))
    const off = (await ok(['--dir', dir, 'save', '300', join(inputs, '300.json'), '--json'], { cwd: dir, env: { EVOGIT_AUTO_COMPACT: '0' } })).json<{ compaction?: unknown }>()
    expect(off.compaction).toBeUndefined() // turned off: due, but nothing started
    expect(packs(dir)).toEqual([])
    const saved = (await ok(['--dir', dir, 'save', '301', join(inputs, '301.json'), '--json'], { cwd: dir })).json<{ generation: number; compaction?: { started: boolean; pid: number } }>()
    expect(saved.generation).toBe(301)
    expect(saved.compaction?.started).toBe(true)
    try {
      await until(() => packs(dir).length > 0 && !existsSync(compactLock(dir)), 'the detached compaction packed the store and let go of its lock')
    } finally {
      if (saved.compaction) try { process.kill(saved.compaction.pid, 'SIGKILL') } catch { /* finished already */ }
    }
    expect(sampled(dir)).toBeLessThan(1750)
    // Once compacted it is not due: the next save starts nothing.
    writeFileSync(join(inputs, '302.json'), JSON.stringify([{ x: 302 }]))
    const next = (await ok(['--dir', dir, 'save', '302', join(inputs, '302.json'), '--json'], { cwd: dir })).json<{ compaction?: unknown }>()
    expect(next.compaction).toBeUndefined()
    expect(git(dir, 'fsck', '--strict', '--no-progress')).toBe('')
    expect(git(dir, 'log', '--format=%s', '-1')).toContain('302')
    expectCleanRepo(dir)
  }, 90_000)
})
