/**
 * The write lock's crash side: who holds the lock (its owner file), whether that holder is
 * provably gone or stopped refreshing the lock, and breaking such a lock so that exactly one
 * waiter takes it over. Taking and releasing a live lock is in lock.ts.
 *
 * Every call here is synchronous: each is one small metadata syscall, and a save under load
 * paid far more for the thread-pool round trips of a dozen of them than for the calls (issue #14).
 */
import { openSync, closeSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename } from 'node:path'
import { errnoOf } from './fs.js'
import { processAlive } from './process-alive.js'

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

/** The lock directory's `owner.json`. */
export interface Owner {
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
export const CLAIM = '.claim.'
export const RELEASED = '.released.'

/** Where a lock lives: the git directory, the lock directory in it, and the stale threshold. */
export interface LockPlace {
  gitdir: string
  lockDir: string
  staleMs: number
}

/** The lock's owner file, or `null` when it is missing, half-written or not ours. */
export function readOwner(lockDir: string): Owner | null {
  try {
    const parsed = JSON.parse(readFileSync(`${lockDir}/owner.json`, 'utf8')) as Owner
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? parsed : null
  } catch {
    return null
  }
}

/** The lock's holder when it is provably gone (dead on this host) or stopped refreshing the lock; else `null`. */
export function abandonedLock(place: LockPlace): LockTakeover | null {
  let first: { mtimeMs: number; ino: number }
  try {
    first = statSync(place.lockDir)
  } catch {
    return null
  }
  const owner = readOwner(place.lockDir)
  const since = owner ? (owner.recovering !== undefined ? owner.recovering || NaN : Date.parse(owner.since)) : NaN
  const base = { pid: owner?.pid ?? null, host: owner?.host ?? null, since: Number.isFinite(since) ? since : null, staleMs: place.staleMs, lastSeen: first.mtimeMs }
  if (owner && owner.host === hostname() && !processAlive(owner.pid, owner.start ?? null)) return { reason: 'dead-owner', ...base }
  if (!owner && !liveClaimant(place)) {
    // A creator writes its owner file before dropping its claim: if the claim is gone, the owner
    // file must be there now, unless the creator died or the directory was replaced meanwhile.
    const again = statOrNull(place.lockDir)
    if (again?.ino === first.ino && readOwner(place.lockDir) === null) return { reason: 'dead-owner', ...base }
  }
  if (Date.now() - first.mtimeMs > place.staleMs) return { reason: 'stale', ...base }
  return null
}

function statOrNull(path: string): { ino: number; mtimeMs: number } | null {
  try {
    return statSync(path)
  } catch {
    return null
  }
}

/**
 * True when some process on another host, or a live one on this host, is between writing its
 * claim and naming itself in the lock: it may be the creator of an ownerless lock directory.
 */
function liveClaimant(place: LockPlace): boolean {
  const prefix = `${basename(place.lockDir)}${CLAIM}`
  let names: string[]
  try {
    names = readdirSync(place.gitdir).filter((n) => n.startsWith(prefix))
  } catch {
    return true
  }
  for (const name of names) {
    try {
      const claim = JSON.parse(readFileSync(`${place.gitdir}/${name}`, 'utf8')) as { pid: number; host: string; start: string | null }
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
export function sweepLeftovers(place: LockPlace): void {
  const base = basename(place.lockDir)
  let names: string[]
  try {
    names = readdirSync(place.gitdir).filter((n) => n.startsWith(`${base}${CLAIM}`) || n.startsWith(`${base}${RELEASED}`))
  } catch {
    return
  }
  for (const name of names) {
    const pid = Number(name.slice(name.startsWith(`${base}${CLAIM}`) ? `${base}${CLAIM}`.length : `${base}${RELEASED}`.length).split('.')[0])
    if (!processAlive(pid)) quietly(() => rmSync(`${place.gitdir}/${name}`, { recursive: true, force: true }))
  }
}

/**
 * Removes an abandoned lock. The re-check and the removal happen while holding a breaker file
 * (created exclusively, naming its pid), so only one waiter breaks a given lock.
 */
export function breakLock(place: LockPlace, seen: LockTakeover): boolean {
  const breaker = `${place.lockDir}.break`
  try {
    const fd = openSync(breaker, 'wx')
    try {
      writeSync(fd, String(process.pid))
    } finally {
      closeSync(fd)
    }
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') return false
    // A breaker left by a waiter that died mid-break would otherwise block everyone.
    const pid = Number(readOrEmpty(breaker))
    const at = statOrNull(breaker)
    const age = at ? Date.now() - at.mtimeMs : 0
    if ((pid > 0 && !processAlive(pid, null)) || age > 5_000) quietly(() => unlinkSync(breaker))
    return false
  }
  try {
    const again = abandonedLock(place)
    if (!again || again.reason !== seen.reason || again.pid !== seen.pid || again.since !== seen.since) return false
    rmSync(place.lockDir, { recursive: true, force: true })
    sweepLeftovers(place)
    return true
  } finally {
    quietly(() => unlinkSync(breaker))
  }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** Best-effort cleanup: a leftover we cannot remove is reported by verify, never thrown here. */
export function quietly(fn: () => void): void {
  try {
    fn()
  } catch {
    // best effort
  }
}
