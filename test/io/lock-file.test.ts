import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import * as nodeFs from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { ConcurrentUpdateError, StoreIOError } from '../../src/errors/index.js'
import { nodeStoreFs, type StoreFs } from '../../src/io/fs.js'
import { LockFile } from '../../src/io/lock-file.js'
import { releaseUnreleasedLocks } from '../../src/io/unreleased-locks.js'
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

  it('a lock it could not remove on a read-only disk is its own to remove later, and only while it is the same file', async () => {
    const dir = tempDir()
    const path = `${dir}/file`
    writeFileSync(path, 'old')
    let readOnly = true
    const refuse = (name: string) => () => Promise.reject(Object.assign(new Error(`EROFS: ${name}`), { code: 'EROFS' }))
    const fs = {
      ...nodeFs,
      rename: (...a: Parameters<typeof nodeFs.rename>) => (readOnly ? refuse('rename')() : nodeFs.rename(...a)),
      unlink: (...a: Parameters<typeof nodeFs.unlink>) => (readOnly ? refuse('unlink')() : nodeFs.unlink(...a)),
    } as unknown as StoreFs
    const lock = await LockFile.acquire(fs, path, once)
    const failed = await lock.commit('new', { sync: false }).catch((e: unknown) => e)
    expect((failed as StoreIOError).data).toMatchObject({ errno: 'EROFS' })
    expect(existsSync(`${path}.lock`)).toBe(true) // the disk refused to let it go
    readOnly = false
    // Wanting the lock again takes it at once, although it exists: it is the one this process left.
    const again = await LockFile.acquire(fs, path, once)
    await again.commit('newer', { sync: false })
    expect(readFileSync(path, 'utf8')).toBe('newer')
    expect(existsSync(`${path}.lock`)).toBe(false)

    // A left lock that someone removed by hand and another process re-created is not ours.
    readOnly = true
    const third = await LockFile.acquire(fs, path, once)
    await third.rollback()
    readOnly = false
    unlinkSync(`${path}.lock`)
    writeFileSync(`${path}.lock`, 'a native git command holds this')
    expect(await releaseUnreleasedLocks(dir)).toEqual([])
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe('a native git command holds this')
    const busy = await LockFile.acquire(fs, path, once).catch((e: unknown) => e)
    expect((busy as StoreIOError).data).toMatchObject({ errno: 'EEXIST' })

    // And repair's sweep removes a left lock of ours that nobody asked for again.
    unlinkSync(`${path}.lock`)
    readOnly = true
    const fourth = await LockFile.acquire(fs, path, once)
    await fourth.rollback()
    readOnly = false
    expect(await releaseUnreleasedLocks(dir)).toEqual([`${path}.lock`])
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  it('removes the locks it could not remove when the process exits normally', () => {
    const dir = tempDir()
    writeFileSync(`${dir}/file`, 'old')
    // A child (the built library, as `npm test` builds it first) whose commit fails on a read-only
    // disk (rename and unlink refused), then exits.
    const script = `
      import * as fs from 'node:fs/promises'
      import { existsSync } from 'node:fs'
      import { LockFile } from ${JSON.stringify(new URL('../../dist/src/io/lock-file.js', import.meta.url).href)}
      const refuse = () => Promise.reject(Object.assign(new Error('EROFS'), { code: 'EROFS' }))
      const lock = await LockFile.acquire({ ...fs, rename: refuse, unlink: refuse }, ${JSON.stringify(`${dir}/file`)}, { attempts: 0, delayMs: 1 })
      await lock.commit('new', { sync: false }).catch(() => undefined)
      console.log(existsSync(${JSON.stringify(`${dir}/file.lock`)}) ? 'left' : 'gone')
    `
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(out.trim()).toBe('left') // still there while the child ran
    expect(existsSync(`${dir}/file.lock`)).toBe(false) // removed at its exit
    expect(readFileSync(`${dir}/file`, 'utf8')).toBe('old')
  })
})
