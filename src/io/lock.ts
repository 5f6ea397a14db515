import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename } from 'node:path'
import { open, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import lockfile from 'proper-lockfile'
import { StoreLockedError } from '../errors/index.js'
import { errnoOf, ioError } from './fs.js'

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

/** Who held a lock that was taken over, and why; passed to the recovery hook. */
export interface LockTakeover {
  /** `dead-owner`: its process is gone. `stale`: it stopped refreshing the lock for `staleMs`. */
  reason: 'dead-owner' | 'stale'
  pid: number | null
  host: string | null
  /** When the previous holder took the lock (ms since the epoch), when known. */
  since: number | null
  /** The stale threshold in force, so recovery can reason about file ages when `since` is unknown. */
  staleMs: number
  /** The holder's last sign of life: when it last refreshed the lock (ms since the epoch). */
  lastSeen: number
}

/** Runs inside the lock, before the caller's work, after the lock was taken over from a crashed holder. */
export type LockRecovery = (takeover: LockTakeover) => Promise<void>

interface Owner {
  pid: number
  host: string
  since: string
  /** Process start time (Linux clock ticks since boot) so a reused pid is not mistaken for the holder. */
  start?: string | null
  /** Distinguishes two acquisitions by the same process, so a release never removes a successor's lock. */
  nonce?: string
  /**
   * Set while this holder repairs after a takeover: when the crashed holder's tenure began (ms,
   * 0 when unknown). If this holder dies too, the next one still knows how far back to look.
   */
  recovering?: number
}

/** Suffixes of the claim files and released lock directories beside the lock directory. */
const CLAIM = '.claim.'
const RELEASED = '.released.'

/** proper-lockfile's own stale check would `rmdir` a lock directory holding `owner.json` and fail; we do it ourselves. */
const NEVER_STALE = 2 ** 40

/**
 * The store's write lock: one writer at a time per store, across processes, via proper-lockfile
 * (an atomic `mkdir` plus mtime refreshes, which works on network file systems where `flock`
 * does not). Within one process, writers queue on a promise chain instead of contending.
 *
 * Taking over an abandoned lock (its owner is dead, or stopped refreshing it) happens here, not
 * in proper-lockfile: its stale check removes the directory with `rmdir`, which fails on the
 * `owner.json` we keep inside, and it has no way to prove a holder dead. Breaking is serialised
 * by a small "breaker" file so two waiters never both break, and one then removes the lock the
 * other just took.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve()
  private readonly lockDir: string
  private readonly timeoutMs: number
  private readonly staleMs: number

  constructor(
    private readonly gitdir: string,
    options: WriteLockOptions = {},
    private readonly recover?: LockRecovery,
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
      if (!(await this.abandoned())) return false
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
      await this.release(held)
    }
  }

  private async acquire(timeoutMs: number): Promise<{ release: () => Promise<void>; owner: Owner; compromised: { value: boolean } }> {
    const deadline = Date.now() + timeoutMs
    let delay = 5
    let takeover: LockTakeover | null = null
    for (;;) {
      const compromised = { value: false }
      let release: (() => Promise<void>) | null = null
      // The claim names us before the lock directory exists, so a lock directory whose owner
      // file is not written yet can still be traced to a live (wait) or dead (break) process.
      const claim = `${this.lockDir}${CLAIM}${process.pid}.${randomBytes(4).toString('hex')}`
      await writeFile(claim, JSON.stringify({ pid: process.pid, host: hostname(), start: processStart(process.pid) })).catch((err: unknown) => {
        throw ioError(err, claim, 'take the write lock')
      })
      try {
        release = await lockfile.lock(this.gitdir, {
          lockfilePath: this.lockDir,
          realpath: false,
          stale: NEVER_STALE,
          update: Math.floor(this.staleMs / 4),
          retries: 0,
          // A compromised lock (our refreshes stalled past `stale` and someone took over) cannot
          // lose a commit: every ref update is a compare-and-swap. Remember it, so our release
          // leaves the new holder's lock alone, instead of crashing the process.
          onCompromised: () => {
            compromised.value = true
          },
        })
      } catch (err) {
        await unlink(claim).catch(() => undefined)
        if (errnoOf(err) !== 'ELOCKED') throw ioError(err, this.lockDir, 'take the write lock')
      }
      if (release) {
        const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), start: processStart(process.pid), nonce: randomBytes(6).toString('hex') }
        const held = { release, owner, compromised }
        // proper-lockfile calls the lock compromised (and stops refreshing it) once the
        // directory's mtime is not the one it set; a file created inside changes that mtime
        // whenever the clock ticked since mkdir, which under load it often has. Our release then
        // left the lock behind, to be waited out for staleMs. Restore the mtime after each write.
        const keepingMtime = async (write: () => Promise<void>) => {
          const before = await stat(this.lockDir).catch(() => null)
          await write()
          if (before) await utimes(this.lockDir, before.atime, before.mtime).catch(() => undefined)
        }
        try {
          // One small write: a SIGKILL cannot tear a single write(2), and a reader that finds no
          // owner yet just treats the lock as live until it goes stale.
          if (takeover && this.recover) {
            const recovering = takeover.since ?? 0
            await keepingMtime(() => writeFile(`${this.lockDir}/owner.json`, JSON.stringify({ ...owner, recovering })))
            // Best effort: a leftover we cannot clean must not stop the caller's write; verify reports it.
            await this.recover(takeover).catch(() => undefined)
            // Replaced by rename, so a reader never sees an empty owner file mid-rewrite.
            await keepingMtime(async () => {
              await writeFile(`${this.lockDir}/owner.next`, JSON.stringify(owner))
              await rename(`${this.lockDir}/owner.next`, `${this.lockDir}/owner.json`)
            })
          } else {
            await keepingMtime(() => writeFile(`${this.lockDir}/owner.json`, JSON.stringify(owner)))
          }
          await unlink(claim).catch(() => undefined)
        } catch (err) {
          // A full disk can refuse even the small owner file. The directory is ours (we created
          // it, and our live claim keeps others from breaking it), but release() only removes a
          // lock that names us: remove it here, before the claim, or it would linger ownerless.
          if ((await this.owner())?.nonce === owner.nonce) await this.release(held)
          else {
            await held.release().catch(() => undefined)
            await rm(this.lockDir, { recursive: true, force: true }).catch(() => undefined)
          }
          await unlink(claim).catch(() => undefined)
          throw ioError(err, this.lockDir, 'take the write lock')
        }
        return held
      }
      const abandoned = await this.abandoned()
      if (abandoned && (await this.breakLock(abandoned))) {
        takeover = abandoned
        continue
      }
      if (Date.now() > deadline) {
        const owner = await this.owner()
        throw new StoreLockedError(
          `the store is being written by ${owner ? `process ${owner.pid} on ${owner.host} since ${owner.since}` : 'another process'}; waited ${Math.round(timeoutMs / 1000)} s`,
          { dir: this.lockDir, ...(owner ? { holder: `${owner.pid}@${owner.host}` } : {}) },
        )
      }
      await sleep(delay + Math.random() * delay)
      delay = Math.min(delay * 2, 100)
    }
  }

  private async release(held: { release: () => Promise<void>; owner: Owner; compromised: { value: boolean } }): Promise<void> {
    // Stops the refresh timer; its rmdir fails on our non-empty directory, which is intended.
    await held.release().catch(() => undefined)
    // After a takeover the directory is someone else's: removing it would let a third writer in.
    const current = await this.owner()
    if (held.compromised.value || current?.nonce !== held.owner.nonce) return
    // One rename frees the lock; unlinking owner.json and then rmdir-ing would leave, for a
    // moment, an ownerless lock that a crash there would strand until it went stale.
    const grave = `${this.lockDir}${RELEASED}${process.pid}.${held.owner.nonce ?? 'x'}`
    try {
      await rename(this.lockDir, grave)
    } catch {
      return
    }
    await rm(grave, { recursive: true, force: true }).catch(() => undefined)
  }

  private async owner(): Promise<Owner | null> {
    try {
      const parsed = JSON.parse(await readFile(`${this.lockDir}/owner.json`, 'utf8')) as Owner
      return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? parsed : null
    } catch {
      return null
    }
  }

  /** The lock's holder when it is provably gone (dead on this host) or stopped refreshing the lock; else `null`. */
  private async abandoned(): Promise<LockTakeover | null> {
    let first: { mtimeMs: number; ino: number }
    try {
      first = await stat(this.lockDir)
    } catch {
      return null
    }
    const owner = await this.owner()
    const since = owner ? (owner.recovering !== undefined ? owner.recovering || NaN : Date.parse(owner.since)) : NaN
    const base = { pid: owner?.pid ?? null, host: owner?.host ?? null, since: Number.isFinite(since) ? since : null, staleMs: this.staleMs, lastSeen: first.mtimeMs }
    if (owner && owner.host === hostname() && !processAlive(owner.pid, owner.start ?? null)) return { reason: 'dead-owner', ...base }
    if (!owner && !(await this.liveClaimant())) {
      // A creator writes its owner file before dropping its claim: if the claim is gone, the owner
      // file must be there now, unless the creator died or the directory was replaced meanwhile.
      const again = await stat(this.lockDir).catch(() => null)
      if (again?.ino === first.ino && (await this.owner()) === null) return { reason: 'dead-owner', ...base }
    }
    if (Date.now() - first.mtimeMs > this.staleMs) return { reason: 'stale', ...base }
    return null
  }

  /**
   * True when some process on another host, or a live one on this host, is between writing its
   * claim and naming itself in the lock: it may be the creator of an ownerless lock directory.
   */
  private async liveClaimant(): Promise<boolean> {
    const prefix = `${basename(this.lockDir)}${CLAIM}`
    let names: string[]
    try {
      names = (await readdir(this.gitdir)).filter((n) => n.startsWith(prefix))
    } catch {
      return true
    }
    for (const name of names) {
      try {
        const claim = JSON.parse(await readFile(`${this.gitdir}/${name}`, 'utf8')) as { pid: number; host: string; start: string | null }
        if (claim.host !== hostname() || processAlive(claim.pid, claim.start)) return true
      } catch {
        // Half-written (its writer is mid-write or died there) or already gone: judge by the pid in the name.
        const pid = Number(name.slice(prefix.length).split('.')[0])
        if (processAlive(pid)) return true
      }
    }
    return false
  }

  /** Removes claims and released lock directories left by processes that died. */
  private async sweep(): Promise<void> {
    const base = basename(this.lockDir)
    let names: string[]
    try {
      names = (await readdir(this.gitdir)).filter((n) => n.startsWith(`${base}${CLAIM}`) || n.startsWith(`${base}${RELEASED}`))
    } catch {
      return
    }
    for (const name of names) {
      const pid = Number(name.slice(name.startsWith(`${base}${CLAIM}`) ? `${base}${CLAIM}`.length : `${base}${RELEASED}`.length).split('.')[0])
      if (!processAlive(pid)) await rm(`${this.gitdir}/${name}`, { recursive: true, force: true }).catch(() => undefined)
    }
  }

  /**
   * Removes an abandoned lock. The re-check and the removal happen while holding a breaker file
   * (created exclusively, naming its pid), so only one waiter breaks a given lock.
   */
  private async breakLock(seen: LockTakeover): Promise<boolean> {
    const breaker = `${this.lockDir}.break`
    try {
      const handle = await open(breaker, 'wx')
      await handle.writeFile(String(process.pid)).finally(() => handle.close())
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') return false
      // A breaker left by a waiter that died mid-break would otherwise block everyone.
      const pid = Number(await readFile(breaker, 'utf8').catch(() => ''))
      const age = await stat(breaker).then((s) => Date.now() - s.mtimeMs, () => 0)
      if ((pid > 0 && !processAlive(pid, null)) || age > 5_000) await unlink(breaker).catch(() => undefined)
      return false
    }
    try {
      const again = await this.abandoned()
      if (!again || again.reason !== seen.reason || again.pid !== seen.pid || again.since !== seen.since) return false
      await rm(this.lockDir, { recursive: true, force: true })
      await this.sweep()
      return true
    } finally {
      await unlink(breaker).catch(() => undefined)
    }
  }

  /** True when the lock is held right now by a live process (for repair and `verify`). */
  async isHeld(): Promise<boolean> {
    try {
      await stat(this.lockDir)
    } catch {
      return false
    }
    return (await this.abandoned()) === null
  }
}

/** Field 3 (state) and field 22 (start time) of `/proc/<pid>/stat`, or `null` where there is no procfs. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1')
    // The command name (field 2) may contain spaces and parentheses; fields resume after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0] ?? '', start: fields[19] ?? '' }
  } catch {
    return null
  }
}

/**
 * The start time of a process, or `null` where there is no procfs. Together with the pid it
 * names one process for good: pids are reused, start times of two processes with one pid differ.
 */
export function processStart(pid: number): string | null {
  return procStat(pid)?.start ?? null
}

/**
 * `kill(pid, 0)` probes without signalling; EPERM still means the process exists. A zombie
 * (killed, not yet reaped by its parent) is dead for our purposes. When the holder recorded its
 * start time, a live process with the same pid but another start time is a reuse of the pid.
 */
export function processAlive(pid: number, start: string | null = null): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    if (errnoOf(err) !== 'EPERM') return false
  }
  const now = procStat(pid)
  if (now === null) return true
  if (now.state === 'Z' || now.state === 'X') return false
  return start === null || now.start === start
}
