import { readFileSync } from 'node:fs'
import { errnoOf } from './fs.js'

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

let own: { start: string | null } | null = null

/** This process's start time, read once: it cannot change, and every lock taken records it twice. */
export function ownProcessStart(): string | null {
  own ??= { start: processStart(process.pid) }
  return own.start
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
