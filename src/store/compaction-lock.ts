import { StoreLockedError } from '../errors/index.js'
import { WriteLock } from '../io/lock.js'
import type { StoreContext } from './context.js'

/**
 * The lock a background compaction holds while it runs: the store's write-lock protocol (an
 * atomic `mkdir`, a named owner, refreshes, takeover of a provably dead holder) under another
 * name, so that engines starting a compaction after every save (`evogit save` in a loop) run one
 * at a time per store, across processes, and a compaction killed mid-repack blocks nobody.
 */
const COMPACTION_LOCK = 'evogit-compact.lock'

function compactionLock(ctx: StoreContext): WriteLock {
  return new WriteLock(ctx.repo.writeLockDir, { timeoutMs: 0 }, undefined, COMPACTION_LOCK)
}

/** True while a live process runs a background compaction of this store. */
export function compactionRunning(ctx: StoreContext): Promise<boolean> {
  return compactionLock(ctx).isHeld()
}

/**
 * Runs `fn` as the store's only background compaction, or returns `{ ran: false }` at once when
 * another one is running. Errors of `fn` itself pass through.
 */
export async function asOnlyCompaction<T>(ctx: StoreContext, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false; holder: string | null }> {
  let started = false
  try {
    const value = await compactionLock(ctx).run(() => {
      started = true
      return fn()
    })
    return { ran: true, value }
  } catch (err) {
    if (started || !(err instanceof StoreLockedError)) throw err
    return { ran: false, holder: err.data.holder ?? null }
  }
}
