import { statSync, unlinkSync } from 'node:fs'
import { isNotFound, type StoreFs } from './fs.js'

interface Unreleased {
  fs: StoreFs
  /** The lock file's identity when we failed to remove it, so a later lock of the same name (someone removed ours by hand and took the lock) is never mistaken for ours. */
  identity: string
}

/**
 * Device, inode, birth and change times in nanoseconds, and size: an inode number alone is reused
 * at once when a file is removed and another created, but the new file is born and changed later.
 * On a file system with whole-second timestamps a lock removed by hand and re-created by another
 * process within the same second, with the same size, would still look like ours; that window
 * (someone deleting a live process's lock and taking it within a second) is accepted.
 */
function identityOf(s: { dev: bigint; ino: bigint; ctimeNs: bigint; birthtimeNs: bigint; size: bigint }): string {
  return `${s.dev}:${s.ino}:${s.birthtimeNs}:${s.ctimeNs}:${s.size}`
}

/**
 * git `.lock` files this process created and then could not remove: the rollback after a failed
 * write ran on a read-only or failing file system, so the unlink failed too. They are ours beyond
 * doubt (created with `O_EXCL` by this process), but nobody else can tell: repair sees a lock of a
 * live process and must leave it, and every later write waits on it until it gives up. git's
 * `lockfile.c` keeps the same kind of list and removes it at exit; so do we (on a normal exit
 * only: a signal that kills the process leaves the locks to repair's takeover rule), and we also
 * retry whenever the name is wanted again or repair runs.
 */
const unreleased = new Map<string, Unreleased>()
let exitHookInstalled = false

/** Remembers `lockPath`, which this process created and could not remove. */
export async function rememberUnreleasedLock(fs: StoreFs, lockPath: string): Promise<void> {
  let identity: string
  try {
    identity = identityOf(await fs.stat(lockPath, { bigint: true }))
  } catch {
    return // gone (or unreadable): nothing we could ever safely remove
  }
  unreleased.set(lockPath, { fs, identity })
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', removeAtExit)
  }
}

/**
 * Removes `lockPath` if it is a lock this process created and could not remove earlier, and is
 * still that very file. True when it was removed (or is already gone).
 */
export async function releaseIfOurs(lockPath: string): Promise<boolean> {
  const entry = unreleased.get(lockPath)
  if (entry === undefined) return false
  try {
    if (identityOf(await entry.fs.stat(lockPath, { bigint: true })) !== entry.identity) {
      unreleased.delete(lockPath) // replaced by someone else's lock: not ours any more
      return false
    }
    await entry.fs.unlink(lockPath)
  } catch (err) {
    if (!isNotFound(err)) return false // still failing: keep it for the next try
  }
  unreleased.delete(lockPath)
  return true
}

/** Retries every remembered lock under `prefix` (a git directory); returns the ones removed. */
export async function releaseUnreleasedLocks(prefix: string): Promise<string[]> {
  const removed: string[] = []
  for (const lockPath of [...unreleased.keys()]) {
    if (lockPath.startsWith(`${prefix}/`) && (await releaseIfOurs(lockPath))) removed.push(lockPath)
  }
  return removed
}

function removeAtExit(): void {
  for (const [lockPath, { identity }] of unreleased) {
    try {
      if (identityOf(statSync(lockPath, { bigint: true })) === identity) unlinkSync(lockPath)
    } catch {
      // Nothing more can be done at exit; repair reports it to the next process.
    }
  }
}
