import { hostname } from 'node:os'
import { readFile, rm, mkdir, rmdir, stat, unlink, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import lockfile from 'proper-lockfile'
import { StoreLockedError } from '../errors/index.js'
import { errnoOf } from './fs.js'

/** Options of the cross-process write lock. */
export interface WriteLockOptions {
  /** How long to wait for another writer before failing with `E_LOCKED`. */
  timeoutMs?: number
  /**
   * A lock whose holder stopped refreshing it for this long is taken over. Holders refresh it
   * every `staleMs / 4`. A holder on this machine that is provably dead (its pid is gone) is
   * taken over at once, so a crashed run never costs the next one this wait.
   */
  staleMs?: number
}

interface Owner {
  pid: number
  host: string
  since: string
}

/**
 * The store's write lock: one writer at a time per store, across processes, via proper-lockfile
 * (an atomic `mkdir` plus mtime refreshes, which works on network file systems where `flock`
 * does not). Within one process, writers queue on a promise chain instead of contending.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve()
  private readonly lockDir: string
  private readonly timeoutMs: number
  private readonly staleMs: number

  constructor(
    private readonly gitdir: string,
    options: WriteLockOptions = {},
  ) {
    this.lockDir = `${gitdir}/evogit.lock`
    this.timeoutMs = options.timeoutMs ?? 60_000
    this.staleMs = Math.max(options.staleMs ?? 10_000, 2_000)
  }

  /** Path of the lock directory (for diagnostics and repair). */
  get path(): string {
    return this.lockDir
  }

  /** Runs `fn` while holding the lock. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.runLocked(fn))
    this.tail = result.catch(() => undefined)
    return result
  }

  private async runLocked<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire()
    try {
      return await fn()
    } finally {
      // proper-lockfile removes the lock with rmdir, which needs the directory empty.
      await unlink(`${this.lockDir}/owner.json`).catch(() => undefined)
      await release().catch(() => undefined)
    }
  }

  private async acquire(): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.timeoutMs
    let delay = 5
    for (;;) {
      try {
        const release = await lockfile.lock(this.gitdir, {
          lockfilePath: this.lockDir,
          realpath: false,
          stale: this.staleMs,
          update: Math.floor(this.staleMs / 4),
          retries: 0,
          // A compromised lock (our refreshes stalled past `stale`) cannot lose a commit: every
          // ref update is a compare-and-swap. So note it instead of crashing the process.
          onCompromised: () => undefined,
        })
        await writeFile(`${this.lockDir}/owner.json`, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Owner))
        return release
      } catch (err) {
        if (errnoOf(err) !== 'ELOCKED') throw err
      }
      if (await this.breakIfOwnerDead()) continue
      if (Date.now() > deadline) {
        const owner = await this.owner()
        throw new StoreLockedError(
          `the store is being written by ${owner ? `process ${owner.pid} on ${owner.host} since ${owner.since}` : 'another process'}; waited ${Math.round(this.timeoutMs / 1000)} s`,
          { dir: this.lockDir, ...(owner ? { holder: `${owner.pid}@${owner.host}` } : {}) },
        )
      }
      await sleep(delay + Math.random() * delay)
      delay = Math.min(delay * 2, 100)
    }
  }

  private async owner(): Promise<Owner | null> {
    try {
      return JSON.parse(await readFile(`${this.lockDir}/owner.json`, 'utf8')) as Owner
    } catch {
      return null
    }
  }

  /**
   * Removes the lock of a holder on this host whose process no longer exists. The check and the
   * removal happen under a second, short-lived "breaker" directory, so two waiters cannot both
   * break it and one of them then remove the lock the other just took.
   */
  private async breakIfOwnerDead(): Promise<boolean> {
    const first = await this.owner()
    if (!first || first.host !== hostname() || processAlive(first.pid)) return false
    const breaker = `${this.lockDir}.break`
    try {
      await mkdir(breaker)
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') return false
      const age = await stat(breaker).then((s) => Date.now() - s.mtimeMs, () => 0)
      if (age > 5_000) await rmdir(breaker).catch(() => undefined)
      return false
    }
    try {
      const again = await this.owner()
      if (!again || again.pid !== first.pid || again.since !== first.since) return false
      await rm(this.lockDir, { recursive: true, force: true })
      return true
    } finally {
      await rmdir(breaker).catch(() => undefined)
    }
  }

  /** True when the lock is held right now by a live process (for repair and `verify`). */
  async isHeld(): Promise<boolean> {
    try {
      await stat(this.lockDir)
    } catch {
      return false
    }
    const owner = await this.owner()
    return !owner || owner.host !== hostname() || processAlive(owner.pid)
  }
}

/** `kill(pid, 0)` probes without signalling; EPERM still means the process exists. */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return errnoOf(err) === 'EPERM'
  }
}
