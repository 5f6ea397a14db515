// Two locks of the WriteLock protocol held at once in one process: a background compaction holds
// `evogit-compact.lock` and takes the store's `evogit.lock` inside it.
import { statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { WriteLock } from '../../src/io/lock.js'
import { tempDir } from '../helpers.js'

describe('WriteLock, two names in one gitdir', () => {
  it('releasing the inner lock leaves the outer one held and refreshed, with no crash in its refresh timer', async () => {
    const gitdir = join(tempDir(), '.git')
    await mkdir(gitdir)
    // staleMs 2000 gives a refresh every 500 ms.
    const outer = new WriteLock(gitdir, { staleMs: 2_000, timeoutMs: 0 }, undefined, 'evogit-compact.lock')
    const inner = new WriteLock(gitdir, { staleMs: 2_000, timeoutMs: 0 }, undefined, 'evogit.lock')
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown) => uncaught.push(err)
    process.on('uncaughtException', onUncaught)
    try {
      await outer.run(async () => {
        await inner.run(() => sleep(50))
        expect(await inner.isHeld()).toBe(false)
        const before = statSync(outer.path).mtimeMs
        await sleep(1_600)
        // proper-lockfile keyed both locks by the gitdir, so the inner release dropped the outer
        // lock's entry and the outer's next refresh threw a TypeError from a timer.
        expect(uncaught).toEqual([])
        expect(statSync(outer.path).mtimeMs).toBeGreaterThan(before)
        expect(await outer.isHeld()).toBe(true)
      })
      expect(await outer.isHeld()).toBe(false)
    } finally {
      process.off('uncaughtException', onUncaught)
    }
  }, 20_000)
})
