// A reader killed while writing the summaries cache (outside the write lock) left a temp file
// that nothing removed: the kill suite's branch trial found `.summaries.json.<pid>.….evogit-tmp`
// after the next open. Opening sweeps dead owners' temp files in .git/evogit, and keeps a live one's.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { git, tempDir } from '../helpers.js'

describe('temp files in .git/evogit', () => {
  it('are removed on open when their writer is dead, and kept while it lives', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }], { scores: [1] })
    // A pid that was certainly alive and is now certainly dead: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid
    const abandoned = join(dir, `.git/evogit/.summaries.json.${dead}.0a1b2c3d.evogit-tmp`)
    const live = join(dir, `.git/evogit/.summaries.json.${process.pid}.0a1b2c3e.evogit-tmp`)
    mkdirSync(join(dir, '.git/evogit'), { recursive: true })
    writeFileSync(abandoned, '{"torn')
    writeFileSync(live, '{"in flight')
    const reopened = await openStore({ dir })
    expect(existsSync(abandoned)).toBe(false)
    expect(existsSync(live)).toBe(true)
    expect((await reopened.branches()).map((b) => b.name)).toEqual(['main'])
    git(dir, 'fsck', '--strict', '--no-progress')
  })
})
