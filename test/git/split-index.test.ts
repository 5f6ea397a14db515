import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { decodeEwah, encodeEwah } from '../../src/git/ewah.js'
import { codeOf, expectCleanRepo, git, tempDir } from '../helpers.js'

const sharedFiles = (dir: string) => readdirSync(join(dir, '.git')).filter((n) => n.startsWith('sharedindex.'))
const isSplit = (dir: string) => readFileSync(join(dir, '.git', 'index')).includes(Buffer.from('link'))

describe('EWAH bitmaps', () => {
  it('give back the bits they were made of, runs of empty words included', () => {
    const sets = fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 100_000 })), { maxLength: 300 }).map((a) => a.sort((x, y) => x - y))
    fc.assert(
      fc.property(sets, (bits) => {
        const encoded = encodeEwah(bits)
        const decoded = decodeEwah(Buffer.concat([Buffer.from([9, 9]), encoded, Buffer.from([7])]), 2, 100_001)
        expect(decoded.bits).toEqual(bits)
        expect(decoded.length).toBe(encoded.length)
      }),
    )
  })

  it('refuse a bit beyond the entries they cover', () => {
    expect(() => decodeEwah(encodeEwah([3, 70]), 0, 70)).toThrow(/entry 70/)
  })
})

describe('the split index (core.splitIndex)', () => {
  it('is what native git reads: every file indexed, status clean, fsck clean, after overwrites too', async () => {
    const dir = tempDir()
    await openStore({ dir })
    git(dir, 'config', 'core.splitIndex', 'true')
    const split = await openStore({ dir })
    for (let g = 0; g < 6; g++) await split.saveGeneration(g, [{ a: g }])
    await split.saveGeneration(2, [{ a: 20 }], { overwrite: true })
    expect(isSplit(dir)).toBe(true)
    expect(git(dir, 'ls-files')).toBe(git(dir, 'ls-tree', '-r', '--name-only', 'HEAD'))
    expect(expectCleanRepo(dir).commits).toBe(7)
    // Each change made a new shared index here (a tiny one absorbs them at once); only the one in
    // use and the one before it are kept.
    expect(sharedFiles(dir).length).toBeLessThanOrEqual(2)
    expect(sharedFiles(dir)).toContain(basename(git(dir, 'rev-parse', '--shared-index-path').trim()))
  })

  it('written by native git, with deletions, replacements and additions, is read and kept', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    for (let g = 0; g < 4; g++) await store.saveGeneration(g, [{ a: g }])
    git(dir, 'update-index', '--split-index')
    writeFileSync(join(dir, 'notes.md'), 'draft\n')
    git(dir, 'add', 'notes.md')
    git(dir, 'update-index', '--assume-unchanged', 'gen_0.json')
    git(dir, 'rm', '--cached', '-q', 'gen_1.json')
    expect(isSplit(dir)).toBe(true)
    const before = git(dir, 'status', '--porcelain')
    expect(before).toBe('D  gen_1.json\nA  notes.md\n?? gen_1.json\n')
    const reopened = await openStore({ dir })
    await reopened.saveGeneration(4, [{ a: 4 }])
    expect(git(dir, 'status', '--porcelain')).toBe(before)
    expect(git(dir, 'ls-files', '-v', 'gen_0.json')).toBe('h gen_0.json\n')
    git(dir, 'fsck', '--strict', '--no-progress')
  })

  it('is given up for a plain index when core.splitIndex is false', async () => {
    const dir = tempDir()
    await openStore({ dir })
    git(dir, 'config', 'core.splitIndex', 'true')
    const split = await openStore({ dir })
    await split.saveGeneration(0, [{ a: 0 }])
    await split.saveGeneration(1, [{ a: 1 }])
    expect(isSplit(dir)).toBe(true)
    git(dir, 'config', 'core.splitIndex', 'false')
    const plain = await openStore({ dir })
    await plain.saveGeneration(2, [{ a: 2 }])
    expect(isSplit(dir)).toBe(false)
    expect(expectCleanRepo(dir).commits).toBe(3)
    expect(sharedFiles(dir).length).toBeLessThanOrEqual(1)
  })

  it('whose shared index is missing stops a save with E_UNSUPPORTED_INDEX, committing nothing', async () => {
    const dir = tempDir()
    await openStore({ dir })
    git(dir, 'config', 'core.splitIndex', 'true')
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 0 }])
    for (const name of sharedFiles(dir)) rmSync(join(dir, '.git', name))
    const head = git(dir, 'rev-parse', 'HEAD')
    const fresh = await openStore({ dir })
    expect(await codeOf(fresh.saveGeneration(1, [{ a: 1 }]))).toBe('E_UNSUPPORTED_INDEX')
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head)
  })
})
