// Each test here reproduces a problem found in review and proves it is fixed.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import * as nodeFs from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { redactUrl } from '../../src/git/remote.js'
import { chooseKey } from '../../src/model/diff.js'
import { openStore, personaSchema, type StoreFs } from '../../src/index.js'
import { codeOf, errorOf, expectCleanRepo, fixedClock, git, persona, population, tempDir } from '../helpers.js'

const tempFiles = (dir: string) => execFileSync('sh', ['-c', "find . -name '*.evogit-tmp' -not -path './.git/*'"], { cwd: dir, encoding: 'utf8' }).trim()

describe('paths from trees and links never lead outside the store', () => {
  it('refuses to check out a tree with a "..", ".git" or slashed entry, writing nothing', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    const blob = git(dir, 'hash-object', '-w', '--stdin').trim() // empty blob
    for (const name of ['..', '.git', '.GIT']) {
      const raw = Buffer.concat([Buffer.from(`40000 ${name}\0`), Buffer.from(git(dir, 'rev-parse', 'HEAD^{tree}').trim(), 'hex'), Buffer.from(`100644 gen_0.json\0`), Buffer.from(blob, 'hex')])
      const tree = execFileSync('git', ['hash-object', '-t', 'tree', '--literally', '-w', '--stdin'], { cwd: dir, input: raw, encoding: 'utf8' }).trim()
      const commit = git(dir, 'commit-tree', tree, '-m', 'evil').trim()
      git(dir, 'branch', '-f', 'evil', commit)
      expect(await codeOf(store.checkout('evil'))).toBe('E_CORRUPT_OBJECT')
      expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main')
    }
    expect(existsSync(join(dir, '..', 'gen_0.json'))).toBe(false)
    expect(readdirSync(join(dir, '.git', 'hooks')).filter((n) => !n.endsWith('.sample'))).toEqual([])
  })

  it('does not write through a symlinked directory', async () => {
    const root = tempDir()
    const dir = join(root, 'store')
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    mkdirSync(join(root, 'elsewhere'))
    execFileSync('rm', ['-rf', join(dir, '.evogit')])
    symlinkSync(join(root, 'elsewhere'), join(dir, '.evogit'))
    expect(await codeOf(store.saveGeneration(1, [{ a: 2 }]))).toBe('E_IO')
    expect(readdirSync(join(root, 'elsewhere'))).toEqual([])
  })
})

describe('input that would be stored wrongly is refused', () => {
  it('refuses __proto__ keys instead of dropping them', async () => {
    const store = await openStore({ dir: tempDir() })
    const individual = JSON.parse('{"b":1,"__proto__":{"x":1},"a":2}') as Record<string, unknown>
    const err = await errorOf<{ issues: { path: unknown[] }[] }>(store.saveGeneration(0, [individual]))
    expect(err.code).toBe('E_INVALID_POPULATION')
    expect(err.data.issues[0]!.path).toEqual(['__proto__'])
  })

  it('validates the author, so every commit passes git fsck --strict', async () => {
    for (const author of [{ name: 'A\nB', email: 'a@b' }, { name: 'A <b>', email: 'c>' }, { name: 42, email: null }, { name: '', email: 'a@b' }]) {
      expect(await codeOf(openStore({ dir: tempDir(), author: author as never }))).toBe('E_INVALID_ARGUMENT')
    }
    expect(await codeOf((await openStore({ dir: tempDir(), clock: () => new Date(NaN) })).saveGeneration(0, []))).toBe('E_INVALID_ARGUMENT')
  })

  it('masks every credential character in URLs, and picks id before name as the diff key', () => {
    expect(redactUrl('http://me:p@ss/word@host.example/r.git')).toBe('http://***@host.example/r.git')
    expect(redactUrl('https://host.example/r.git')).toBe('https://host.example/r.git')
    expect(chooseKey([[{ id: 1, name: 'a' }]], ['name'])).toBe('id')
    expect(chooseKey([[{ name: 'a' }]], ['name'])).toBe('name')
  })
})

describe("the user's staged work and git's own locks are respected", () => {
  it('keeps a file staged in a version-4 index across a save', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    writeFileSync(join(dir, 'notes.md'), 'mine\n')
    git(dir, 'add', 'notes.md')
    git(dir, 'update-index', '--index-version', '4')
    await store.saveGeneration(1, [{ a: 2 }])
    expect(git(dir, 'status', '--porcelain')).toBe('A  notes.md\n')
    git(dir, 'fsck', '--strict', '--no-progress')
  })

  it('refuses to save mid-merge, before committing anything', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    writeFileSync(join(dir, 'notes.md'), 'base\n')
    git(dir, 'add', 'notes.md')
    git(dir, 'commit', '-qm', 'notes')
    git(dir, 'checkout', '-qb', 'other')
    writeFileSync(join(dir, 'notes.md'), 'other\n')
    git(dir, 'commit', '-qam', 'other')
    git(dir, 'checkout', '-q', 'main')
    writeFileSync(join(dir, 'notes.md'), 'main\n')
    git(dir, 'commit', '-qam', 'main')
    expect(() => git(dir, 'merge', '-q', 'other')).toThrow()
    const head = git(dir, 'rev-parse', 'HEAD').trim()
    const err = await errorOf<{ conflicted: string[] }>(store.saveGeneration(1, [{ a: 2 }]))
    expect(err.code).toBe('E_UNSUPPORTED_INDEX')
    expect(err.data.conflicted).toEqual(['notes.md'])
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(head)
  })

  it('waits for a git command holding index.lock; one that never lets go costs a warning, not the save', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    writeFileSync(join(dir, '.git', 'index.lock'), '')
    const released = new Promise<void>((resolve) => setTimeout(() => resolve(nodeFs.unlink(join(dir, '.git', 'index.lock'))), 300))
    const saved = await store.saveGeneration(1, [{ a: 2 }])
    await released
    expect(saved.warnings).toEqual([])
    expectCleanRepo(dir)

    writeFileSync(join(dir, '.git', 'index.lock'), '')
    const stuck = await store.saveGeneration(2, [{ a: 3 }])
    expect(stuck.warnings).toHaveLength(1)
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(stuck.commit)
    await nodeFs.unlink(join(dir, '.git', 'index.lock'))
    expect((await store.verify({ repair: true })).ok).toBe(true)
    expectCleanRepo(dir)
    expect(await codeOf(store.saveGeneration(2, [{ a: 3 }]))).toBe('E_GENERATION_EXISTS')
  })
})

describe('failures leave nothing behind', () => {
  it('a save failing on a full disk leaves no temp file in the working tree', async () => {
    const dir = tempDir()
    let failing = false
    const fs: StoreFs = {
      ...nodeFs,
      open: (async (path: string, flags: string, mode?: number) => {
        const handle = await nodeFs.open(path, flags, mode)
        if (!failing || !String(path).includes('gen_1.json')) return handle
        return new Proxy(handle, {
          get(target, key) {
            if (key === 'writeFile') return async () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))
            const value = Reflect.get(target, key) as unknown
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
          },
        })
      }) as StoreFs['open'],
    }
    const store = await openStore({ dir, faultFs: fs })
    await store.saveGeneration(0, [{ a: 1 }])
    failing = true
    expect(await codeOf(store.saveGeneration(1, [{ a: 2 }]))).toBe('E_IO')
    expect(tempFiles(dir)).toBe('')
    expectCleanRepo(dir)
    failing = false
    await store.saveGeneration(1, [{ a: 2 }])
    expectCleanRepo(dir)
  })

  it('a checkout failing half-way is finished from its journal at once', async () => {
    const dir = tempDir()
    let failRename = false
    const fs: StoreFs = {
      ...nodeFs,
      rename: (async (from: string, to: string) => {
        if (failRename && String(to).endsWith('/gen_1.json')) {
          failRename = false
          throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })
        }
        return nodeFs.rename(from, to)
      }) as StoreFs['rename'],
    }
    // Under its old, deprecated name `fs` the option still injects the faults.
    const store = await openStore({ dir, fs })
    await store.saveGeneration(0, population(1))
    await store.branch('exp', { checkout: true })
    await store.saveGeneration(1, population(1, 5))
    await store.checkout('main')
    failRename = true
    expect(await codeOf(store.checkout('exp'))).toBe('E_IO')
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('exp')
    expect(existsSync(join(dir, '.git', 'evogit', 'pending.json'))).toBe(false)
    expectCleanRepo(dir)
    await store.saveGeneration(2, population(1, 9))
  })
})

describe('history operations after an overwrite', () => {
  it('rollback and branch go to the state where generation n was the newest', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    const commits: string[] = []
    for (let g = 0; g < 6; g++) commits.push((await store.saveGeneration(g, population(2, g))).commit)
    await store.saveGeneration(3, population(2, 30), { overwrite: true })
    expect((await store.branch('at-3', { from: 3 })).commit).toBe(commits[3])
    const result = await store.rollback(3)
    expect(result.commit).toBe(commits[3])
    expect(await store.listGenerations()).toEqual([0, 1, 2, 3])
    expect((await store.archives())[0]!.latestGeneration).toBe(5)
    expectCleanRepo(dir)
  })
})

describe('adopting and importing', () => {
  it('re-importing identical generations adds no commits, even with overwrite, and records no absolute path', async () => {
    const from = tempDir()
    for (let g = 0; g < 3; g++) writeFileSync(join(from, `gen_${g}.json`), JSON.stringify([persona(g)]))
    const store = await openStore({ dir: tempDir(), schema: personaSchema })
    expect((await store.importGenerations({ from })).imported).toHaveLength(3)
    const again = await store.importGenerations({ from, overwrite: true })
    expect(again).toMatchObject({ imported: [], unchanged: [0, 1, 2] })
    expect(git(store.dir, 'rev-list', '--count', 'HEAD').trim()).toBe('3')
    expect((await store.loadMetadata(1))!.meta).toEqual({ importedFrom: 'gen_1.json' })
  })

  it('pull needs a recorded remote, and says so', async () => {
    const store = await openStore({ dir: tempDir() })
    await store.saveGeneration(0, [{ a: 1 }])
    expect(await codeOf(store.pull({ url: 'http://127.0.0.1:9/r.git', branch: 'main' }))).toBe('E_INVALID_ARGUMENT')
  })
})
