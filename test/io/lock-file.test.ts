import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConcurrentUpdateError, StoreIOError } from '../../src/errors/index.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { LockFile } from '../../src/io/lock-file.js'
import { git, tempDir } from '../helpers.js'

const once = { attempts: 0, delayMs: 1 }

describe('LockFile (git lockfile.c protocol)', () => {
  it('excludes a second holder, commits atomically, and releases the lock', async () => {
    const dir = tempDir()
    const path = `${dir}/file`
    writeFileSync(path, 'old')
    const lock = await LockFile.acquire(nodeStoreFs, path, once)
    expect(existsSync(`${path}.lock`)).toBe(true)
    const second = await LockFile.acquire(nodeStoreFs, path, once).catch((e: unknown) => e)
    expect(second).toBeInstanceOf(StoreIOError)
    expect((second as StoreIOError).data).toMatchObject({ errno: 'EEXIST' })
    expect(readFileSync(path, 'utf8')).toBe('old')
    await lock.commit('new', { sync: true })
    expect(readFileSync(path, 'utf8')).toBe('new')
    expect(existsSync(`${path}.lock`)).toBe(false)
    await lock.rollback() // a no-op after commit
    expect(readFileSync(path, 'utf8')).toBe('new')
  })

  it('rollback and a refused update leave the file unchanged; a typed error passes through', async () => {
    const dir = tempDir()
    const path = `${dir}/file`
    writeFileSync(path, 'old')
    const a = await LockFile.acquire(nodeStoreFs, path, once)
    await a.rollback()
    expect(existsSync(`${path}.lock`)).toBe(false)
    const b = await LockFile.acquire(nodeStoreFs, path, once)
    expect(await b.update(() => null, { sync: false })).toBe(false)
    expect(existsSync(`${path}.lock`)).toBe(false)
    const c = await LockFile.acquire(nodeStoreFs, path, once)
    const err = await c
      .update(() => {
        throw new ConcurrentUpdateError('moved', { ref: 'x', expected: null, actual: null })
      }, { sync: false })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConcurrentUpdateError)
    expect(readFileSync(path, 'utf8')).toBe('old')
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  it('waits for a holder that lets go within its attempts, and makes missing directories when asked', async () => {
    const dir = tempDir()
    const held = await LockFile.acquire(nodeStoreFs, `${dir}/f`, once)
    setTimeout(() => void held.rollback(), 30)
    const waited = await LockFile.acquire(nodeStoreFs, `${dir}/f`, { attempts: 50, delayMs: (n) => 5 + n })
    await waited.commit('x', { sync: false })
    expect(readFileSync(`${dir}/f`, 'utf8')).toBe('x')
    const deep = await LockFile.acquire(nodeStoreFs, `${dir}/a/b/c`, { ...once, mkdir: true })
    await deep.commit('y', { sync: false })
    expect(readFileSync(`${dir}/a/b/c`, 'utf8')).toBe('y')
  })

  it('native git and LockFile exclude each other on a ref', async () => {
    const dir = tempDir()
    git(dir, 'init', '-q', '-b', 'main')
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'x')
    const head = git(dir, 'rev-parse', 'HEAD').trim()
    const lock = await LockFile.acquire(nodeStoreFs, `${dir}/.git/refs/heads/main`, once)
    expect(() => git(dir, 'update-ref', 'refs/heads/main', head)).toThrow(/lock/)
    await lock.commit(`${head}\n`, { sync: true })
    git(dir, 'update-ref', 'refs/heads/main', head)
    expect(git(dir, 'fsck', '--strict', '--no-progress')).toBe('')
  })
})
