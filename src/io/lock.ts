import { randomBytes } from 'node:crypto'
import { renameSync, rmdirSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import lockfile from 'proper-lockfile'
import { StoreLockedError } from '../errors/index.js'
import { errnoOf, ioError } from './fs.js'
import { abandonedLock, breakLock, CLAIM, quietly, readOwner, RELEASED, type LockPlace, type LockTakeover, type Owner } from './lock-abandoned.js'
import { ownProcessStart } from './process-alive.js'

export type { LockTakeover } from './lock-abandoned.js'
export { processAlive, processStart } from './process-alive.js'

/** Options of the cross-process write lock. */
export interface WriteLockOptions {
  /** How long to wait for another writer before failing with `E_LOCKED`. */
  timeoutMs?: number
  /**
   * A lock whose holder stopped refreshing it for this long is taken over. Holders refresh it
   * every `staleMs / 4`. A holder on this machine that is provably dead (its pid is gone, or now
   * belongs to a process started later) is taken over at once, so a crashed run never costs the
   * next one this wait.
   */
  staleMs?: number
}

/** Runs inside the lock, before the caller's work, after the lock was taken over from a crashed holder. */
export type LockRecovery = (takeover: LockTakeover) => Promise<void>

/** proper-lockfile's own stale check would `rmdir` a lock directory holding `owner.json` and fail; we do it ourselves. */
const NEVER_STALE = 2 ** 40

interface Held {
  release: () => void
  owner: Owner
  compromised: { value: boolean }
}

/**
 * The store's write lock: one writer at a time per store, across processes, via proper-lockfile
 * (an atomic `mkdir` plus mtime refreshes, which works on network file systems where `flock`
 * does not). Within one process, writers queue on a promise chain instead of contending.
 *
 * Taking over an abandoned lock (its owner is dead, or stopped refreshing it) happens here, not
 * in proper-lockfile: its stale check removes the directory with `rmdir`, which fails on the
 * `owner.json` we keep inside, and it has no way to prove a holder dead. Breaking is serialised
 * by a small "breaker" file so two waiters never both break (lock-abandoned.ts).
 *
 * Taking and releasing use synchronous file-system calls: about a dozen tiny metadata calls, each
 * of which cost a thread-pool round trip (a millisecond under load, behind a save's deflate)
 * when asynchronous, for microseconds of work (issue #14). The protocol is the same either way.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve()
  private readonly place: LockPlace

  private readonly timeoutMs: number

  constructor(
    private readonly gitdir: string,
    options: WriteLockOptions = {},
    private readonly recover?: LockRecovery,
    /** The lock directory's name in `gitdir`: the store's write lock, or another lock with the same protocol (background compaction). */
    name = 'evogit.lock',
  ) {
    this.place = { gitdir, lockDir: `${gitdir}/${name}`, staleMs: Math.max(options.staleMs ?? 10_000, 2_000) }
    this.timeoutMs = options.timeoutMs ?? 60_000
  }

  /** Path of the lock directory (for diagnostics and repair). */
  get path(): string {
    return this.place.lockDir
  }

  private get lockDir(): string {
    return this.place.lockDir
  }

  /** Runs `fn` while holding the lock. */
  run<T>(fn: () => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    const result = this.tail.then(() => this.runLocked(fn, options.timeoutMs ?? this.timeoutMs))
    this.tail = result.catch(() => undefined)
    return result
  }

  /**
   * When a crashed writer left the lock behind, takes it over (which runs the recovery hook) and
   * releases it again. Cheap when there is nothing to do: one `stat`. Never waits for a live
   * writer and never throws: readers open stores too, and must not fail or block because of this.
   */
  async recoverIfAbandoned(): Promise<boolean> {
    try {
      if (!abandonedLock(this.place)) return false
      await this.run(async () => undefined, { timeoutMs: 1_000 })
      return true
    } catch {
      return false
    }
  }

  private async runLocked<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
    const held = await this.acquire(timeoutMs)
    try {
      return await fn()
    } finally {
      this.release(held)
    }
  }

  private async acquire(timeoutMs: number): Promise<Held> {
    const deadline = Date.now() + timeoutMs
    let delay = 5
    let takeover: LockTakeover | null = null
    for (;;) {
      const held = this.tryTake()
      if (held) {
        await this.nameOwner(held, takeover)
        return held
      }
      const abandoned = abandonedLock(this.place)
      if (abandoned && breakLock(this.place, abandoned)) {
        takeover = abandoned
        continue
      }
      if (Date.now() > deadline) {
        const owner = readOwner(this.lockDir)
        throw new StoreLockedError(
          `the store is being written by ${owner ? `process ${owner.pid} on ${owner.host} since ${owner.since}` : 'another process'}; waited ${Math.round(timeoutMs / 1000)} s`,
          { dir: this.lockDir, ...(owner ? { holder: `${owner.pid}@${owner.host}` } : {}) },
        )
      }
      await sleep(delay + Math.random() * delay)
      delay = Math.min(delay * 2, 100)
    }
  }

  /** One attempt: the claim, then the atomic `mkdir`. `null` when someone else holds the lock. */
  private tryTake(): (Held & { claim: string }) | null {
    // The claim names us before the lock directory exists, so a lock directory whose owner
    // file is not written yet can still be traced to a live (wait) or dead (break) process.
    const claim = `${this.lockDir}${CLAIM}${process.pid}.${randomBytes(4).toString('hex')}`
    try {
      writeFileSync(claim, JSON.stringify({ pid: process.pid, host: hostname(), start: ownProcessStart() }))
    } catch (err) {
      throw ioError(err, claim, 'take the write lock')
    }
    const compromised = { value: false }
    let release: () => void
    try {
      // proper-lockfile keeps its held locks in one map keyed by this first argument, so it must
      // be the lock's own path: keyed by the gitdir, a background compaction's lock and the write
      // lock it takes inside shared one entry, and the first release crashed the other's refresh.
      release = lockfile.lockSync(this.lockDir, {
        lockfilePath: this.lockDir,
        realpath: false,
        stale: NEVER_STALE,
        update: Math.floor(this.place.staleMs / 4),
        // A compromised lock (our refreshes stalled past `stale` and someone took over) cannot
        // lose a commit: every ref update is a compare-and-swap. Remember it, so our release
        // leaves the new holder's lock alone, instead of crashing the process.
        onCompromised: () => {
          compromised.value = true
        },
      })
    } catch (err) {
      quietly(() => unlinkSync(claim))
      if (errnoOf(err) !== 'ELOCKED') throw ioError(err, this.lockDir, 'take the write lock')
      return null
    }
    const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), start: ownProcessStart(), nonce: randomBytes(6).toString('hex') }
    return { release, owner, compromised, claim }
  }

  /** Writes our owner file into the lock we just created (after a takeover, runs recovery first), then drops the claim. */
  private async nameOwner(held: Held & { claim: string }, takeover: LockTakeover | null): Promise<void> {
    const { owner, claim } = held
    // proper-lockfile calls the lock compromised (and stops refreshing it) once the
    // directory's mtime is not the one it set; a file created inside changes that mtime
    // whenever the clock ticked since mkdir, which under load it often has. Our release then
    // left the lock behind, to be waited out for staleMs. Restore the mtime after each write.
    const keepingMtime = (write: () => void) => {
      let before: { atime: Date; mtime: Date } | null = null
      try {
        before = statSync(this.lockDir)
      } catch {
        before = null
      }
      write()
      if (before) quietly(() => utimesSync(this.lockDir, before.atime, before.mtime))
    }
    try {
      // One small write: a SIGKILL cannot tear a single write(2), and a reader that finds no
      // owner yet just treats the lock as live until it goes stale.
      if (takeover && this.recover) {
        const recovering = takeover.since ?? 0
        keepingMtime(() => writeFileSync(`${this.lockDir}/owner.json`, JSON.stringify({ ...owner, recovering })))
        // Best effort: a leftover we cannot clean must not stop the caller's write; verify reports it.
        await this.recover(takeover).catch(() => undefined)
        // Replaced by rename, so a reader never sees an empty owner file mid-rewrite.
        keepingMtime(() => {
          writeFileSync(`${this.lockDir}/owner.next`, JSON.stringify(owner))
          renameSync(`${this.lockDir}/owner.next`, `${this.lockDir}/owner.json`)
        })
      } else {
        keepingMtime(() => writeFileSync(`${this.lockDir}/owner.json`, JSON.stringify(owner)))
      }
      quietly(() => unlinkSync(claim))
    } catch (err) {
      // A full disk can refuse even the small owner file. The directory is ours (we created
      // it, and our live claim keeps others from breaking it), but release() only removes a
      // lock that names us: remove it here, before the claim, or it would linger ownerless.
      if (readOwner(this.lockDir)?.nonce === owner.nonce) this.release(held)
      else {
        quietly(held.release)
        quietly(() => rmSync(this.lockDir, { recursive: true, force: true }))
      }
      quietly(() => unlinkSync(claim))
      throw ioError(err, this.lockDir, 'take the write lock')
    }
  }

  private release(held: Held): void {
    // Stops the refresh timer; its rmdir fails on our non-empty directory, which is intended.
    quietly(held.release)
    // After a takeover the directory is someone else's: removing it would let a third writer in.
    const current = readOwner(this.lockDir)
    if (held.compromised.value || current?.nonce !== held.owner.nonce) return
    // One rename frees the lock; unlinking owner.json and then rmdir-ing would leave, for a
    // moment, an ownerless lock that a crash there would strand until it went stale.
    const grave = `${this.lockDir}${RELEASED}${process.pid}.${held.owner.nonce ?? 'x'}`
    try {
      renameSync(this.lockDir, grave)
    } catch {
      return
    }
    // The lock is free already; a grave left by a crash here is swept by the next takeover. It
    // normally holds just our owner file: two calls, where a recursive rm makes nine.
    try {
      unlinkSync(`${grave}/owner.json`)
      rmdirSync(grave)
    } catch {
      quietly(() => rmSync(grave, { recursive: true, force: true }))
    }
  }

  /** True when the lock is held right now by a live process (for repair and `verify`). */
  isHeld(): Promise<boolean> {
    try {
      statSync(this.lockDir)
    } catch {
      return Promise.resolve(false)
    }
    return Promise.resolve(abandonedLock(this.place) === null)
  }
}
