import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FileHandle } from 'node:fs/promises'
import { mkdirp } from './atomic.js'
import { errnoOf, ioError, type StoreFs } from './fs.js'
import { rememberUnreleasedLock, releaseIfOurs } from './unreleased-locks.js'

/** How {@link LockFile.acquire} waits for a lock someone else holds. */
export interface LockFileOptions {
  /** How many times to retry a lock that exists before giving up (0: fail at once). */
  attempts: number
  /** The wait before retry `attempt` (0-based), in milliseconds: a number, or a function of the attempt. */
  delayMs: number | ((attempt: number) => number)
  /** Create missing parent directories of the lock (a ref in a new namespace). Default false. */
  mkdir?: boolean
  /** The error to throw when the lock is still held after every attempt; default a `StoreIOError` (EEXIST). */
  busy?: (lockPath: string, err: unknown) => Error
  /** Words for error messages: "could not <action> <path>". Default "lock". */
  action?: string
}

/**
 * git's lock-file protocol (`lockfile.c`: `hold_lock_file_for_update`, then `commit_lock_file` or
 * `rollback_lock_file`), the one primitive behind every file that must change atomically: refs,
 * HEAD, packed-refs and the index. `<path>.lock` is created exclusively, so native git and evogit
 * exclude each other; whoever holds it may read `path` and know nobody changes it underneath;
 * `commit` writes the new content into the lock file, fsyncs it and renames it over `path`, so
 * readers and crash survivors see the old file or the new one, never a torn mix.
 *
 * Read what you are about to rewrite only after `acquire` returns: a read taken before the lock
 * can lose a concurrent writer's change.
 */
export class LockFile {
  private handle: FileHandle | null

  private constructor(
    private readonly fs: StoreFs,
    /** The file the lock protects. */
    readonly path: string,
    handle: FileHandle,
  ) {
    this.handle = handle
  }

  /** `<path>.lock`. */
  get lockPath(): string {
    return `${this.path}.lock`
  }

  /** Takes `<path>.lock`, waiting as `options` say while another process holds it. */
  static async acquire(fs: StoreFs, path: string, options: LockFileOptions): Promise<LockFile> {
    const lockPath = `${path}.lock`
    const action = options.action ?? 'lock'
    let madeDir = false
    for (let attempt = 0; ; attempt++) {
      try {
        return new LockFile(fs, path, await fs.open(lockPath, 'wx', 0o644))
      } catch (err) {
        const code = errnoOf(err)
        if (code === 'ENOENT' && options.mkdir && !madeDir) {
          await mkdirp(fs, dirname(lockPath))
          madeDir = true
          attempt--
          continue
        }
        if (code !== 'EEXIST') throw ioError(err, lockPath, action)
        if (await releaseIfOurs(lockPath)) {
          attempt--
          continue
        }
        if (attempt >= options.attempts) throw options.busy ? options.busy(lockPath, err) : ioError(err, lockPath, action)
        await sleep(typeof options.delayMs === 'number' ? options.delayMs : options.delayMs(attempt))
      }
    }
  }

  /**
   * Writes `data` as the new content of `path`: into the lock file, fsynced when `sync`, then
   * renamed over `path`. The lock is released whatever happens; on failure `path` is unchanged.
   */
  async commit(data: Uint8Array | string, options: { sync: boolean; action?: string }): Promise<void> {
    const handle = this.take()
    let renamed = false
    try {
      try {
        await handle.writeFile(data)
        if (options.sync) await handle.sync()
      } finally {
        await handle.close()
      }
      await this.fs.rename(this.lockPath, this.path)
      renamed = true
    } catch (err) {
      throw ioError(err, this.path, options.action ?? 'write')
    } finally {
      if (!renamed) await this.release()
    }
  }

  /** Releases the lock and leaves `path` as it was. Safe to call after `commit` (then a no-op). */
  async rollback(): Promise<void> {
    const handle = this.handle
    if (handle === null) return
    this.handle = null
    await handle.close().catch(() => undefined)
    await this.release()
  }

  /** Removes the lock file; when even that fails (a read-only disk), remembers it for a later retry. */
  private async release(): Promise<void> {
    try {
      await this.fs.unlink(this.lockPath)
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') await rememberUnreleasedLock(this.fs, this.lockPath)
    }
  }

  /**
   * Runs `produce` while the lock is held and commits what it returns (`null`: keep `path` as it
   * is). The lock is gone afterwards, whatever happened; typed errors from `produce` (a failed
   * compare-and-swap) pass through unchanged.
   */
  async update(produce: () => Promise<Uint8Array | string | null> | Uint8Array | string | null, options: { sync: boolean; action?: string }): Promise<boolean> {
    let data: Uint8Array | string | null
    try {
      data = await produce()
    } catch (err) {
      await this.rollback()
      throw ioError(err, this.path, options.action ?? 'write')
    }
    if (data === null) {
      await this.rollback()
      return false
    }
    await this.commit(data, options)
    return true
  }

  private take(): FileHandle {
    const handle = this.handle
    if (handle === null) throw new Error(`lock ${this.lockPath} was already committed or rolled back`)
    this.handle = null
    return handle
  }
}
