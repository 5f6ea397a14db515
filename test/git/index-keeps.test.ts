import { execFileSync } from 'node:child_process'
import * as nodeFs from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import type { StoreFs } from '../../src/io/fs.js'
import { git, tempDir } from '../helpers.js'

/** `git ls-files -v` as { path: tag }, the tag showing assume-unchanged (lowercase) and skip-worktree (S). */
function lsFilesV(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of git(dir, 'ls-files', '-v').split('\n').filter(Boolean)) out[line.slice(2)] = line[0]!
  return out
}

describe('the index keeps what evogit does not interpret', () => {
  it('an intent-to-add file (git add -N) is still intent-to-add after a save', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    writeFileSync(join(dir, 'notes.md'), 'draft\n')
    git(dir, 'add', '-N', 'notes.md')
    const before = git(dir, 'status', '--porcelain')
    expect(before).toBe(' A notes.md\n')
    await store.saveGeneration(1, [{ a: 2 }])
    expect(git(dir, 'status', '--porcelain')).toBe(before)
    // Nothing was staged for it: the diff against HEAD has no empty blob.
    expect(git(dir, 'diff', '--cached', '--name-only')).toBe('')
    expect(git(dir, 'ls-files', '--debug', 'notes.md')).toMatch(/flags: 20004000/)
  })

  it('assume-unchanged and skip-worktree survive a save and a checkout', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    await store.saveGeneration(1, [{ a: 2 }])
    git(dir, 'update-index', '--assume-unchanged', 'gen_0.json')
    git(dir, 'update-index', '--skip-worktree', '.evogit/meta/0/0.json')
    expect(lsFilesV(dir)).toMatchObject({ 'gen_0.json': 'h', '.evogit/meta/0/0.json': 'S', 'gen_1.json': 'H' })
    await store.saveGeneration(2, [{ a: 3 }])
    expect(lsFilesV(dir)).toMatchObject({ 'gen_0.json': 'h', '.evogit/meta/0/0.json': 'S', 'gen_2.json': 'H' })
    await store.branch('side', { from: 1 })
    await store.checkout('side')
    expect(lsFilesV(dir)).toMatchObject({ 'gen_0.json': 'h', '.evogit/meta/0/0.json': 'S' })
    git(dir, 'fsck', '--strict', '--no-progress')
    expect(git(dir, 'status', '--porcelain')).toBe('')
  })

  it('a git add that lands while a save waits for index.lock is not dropped', async () => {
    const dir = tempDir()
    let raced = false
    const fs: StoreFs = {
      ...nodeFs,
      // The instant before evogit takes index.lock, native git stages a file (as an editor's git would).
      open: (async (path: string, flags: string, mode?: number) => {
        if (raced && String(path).endsWith('/.git/index.lock')) {
          raced = false
          execFileSync('git', ['add', 'notes.md'], { cwd: dir, env: { ...process.env, HOME: dir } })
        }
        return nodeFs.open(path, flags, mode)
      }) as StoreFs['open'],
    }
    const store = await openStore({ dir, faultFs: fs })
    await store.saveGeneration(0, [{ a: 1 }])
    writeFileSync(join(dir, 'notes.md'), 'staged by hand\n')
    raced = true
    await store.saveGeneration(1, [{ a: 2 }])
    expect(raced).toBe(false)
    expect(git(dir, 'status', '--porcelain')).toBe('A  notes.md\n')
  })
})
