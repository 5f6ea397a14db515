import { InvalidArgumentError } from '../errors/index.js'
import { nativeGitVersion, type ObjectStoreSize } from '../git/compact.js'
import { asOnlyCompaction } from './compaction-lock.js'
import { readRecord, writeRecord } from './compaction-record.js'
import type { StoreContext } from './context.js'

/** Options of {@link compact}. */
export interface CompactOptions {
  /**
   * Objects each one is compared with in git's delta search: default 10 (git's own) for a
   * whole-history repack, {@link INCREMENTAL_WINDOW} for packing what is new. The names git is
   * given put every generation's file between its neighbours (see `src/git/delta-names.ts`), so
   * the best delta base is always within a small window; a wide one (250, as `gc --aggressive`)
   * only costs time: at 5000 generations of 100 personas, 10 packed in 40 CPU-seconds where 250
   * had not finished after 25 CPU-minutes.
   */
  window?: number
  /**
   * Longest delta chain (default 50, as `git gc`). Longer chains pack smaller; reading an old
   * generation then applies up to this many deltas.
   */
  depth?: number
  /** Largest pack in bytes (default 1 GiB, at least 1 MiB): isomorphic-git cannot read packs of 2 GiB or more. */
  maxPackSize?: number
  /** The git executable (default `git`, looked up on PATH). */
  gitBinary?: string
  /**
   * Repack the whole history (default `false`). Otherwise, once a store has been compacted, only
   * what is new since is packed, and small packs are merged geometrically (as `git repack
   * --geometric=2`), so compacting again costs what was added, not the history.
   */
  full?: boolean
  /**
   * Compact as a background compaction (what `autoCompact` and `evogit compact --auto` run): git
   * at the lowest CPU priority with one thread, and at most one such compaction per store at a
   * time, across processes (another one running: nothing is done, `mode: 'none'`).
   */
  background?: boolean
}

/** What a compaction did. */
export interface CompactResult {
  /** True when native git repacked the store. */
  compacted: boolean
  /** True when native git was found; compaction needs it. */
  nativeGit: boolean
  /** `git --version`, when found. */
  gitVersion: string | null
  /** One line for people: what happened, or why nothing did. */
  message: string
  /** The object database before and after (the same when nothing was done). */
  before: ObjectStoreSize
  after: ObjectStoreSize
  /** Wall time of the repack. */
  seconds: number
  /** What was done: the whole history, only what was new, or nothing. */
  mode: 'full' | 'incremental' | 'none'
}

/** The arguments of {@link compact}. */
export interface CompactStoreOptions extends CompactOptions {
  ctx: StoreContext
}

const MIB = 1 << 20

/**
 * The default delta window when only what is new is packed. Packing 100 new generations of 100
 * personas (700 objects) onto a 5000-generation store took 275 ms with window 10 and 207 ms
 * with 3, for a pack 4% bigger (496 vs 517 KB): the best base is the previous generation, next to
 * it. Window 1 finds it too seldom (1.2 MB). Background compaction runs this every 250 saves.
 */
export const INCREMENTAL_WINDOW = 3

/**
 * Packs the store's history with native git's delta compression. Saves write one loose object
 * per file (fast, and never a delta), which over a long run takes a fair share of the raw JSON;
 * consecutive generations mostly repeat each other, so a repack with a real delta search shrinks
 * the repository to a few percent of it.
 *
 * By default it is incremental: it packs only what was saved since the last compaction (all of
 * it the first time) and merges small packs geometrically, so its cost follows what is new. The
 * packing only adds packs and runs while saves go on; the write lock is held only to delete what
 * the new packs made redundant. With `full` it repacks the whole history under the write lock
 * (saves wait), dropping unreachable objects too. Never part of a save. Without native git
 * nothing changes and the result says so (`compacted: false`, `nativeGit: false`, and a message).
 *
 * @param options - The store context and {@link CompactOptions}.
 * @returns Sizes before and after, and whether native git was available.
 * @throws InvalidArgumentError for a bad option; StoreIOError when git fails.
 *
 * @example
 * ```ts
 * const result = await store.compact()
 * if (!result.compacted) console.warn(result.message)
 * else console.log(`${result.before.bytes} → ${result.after.bytes} bytes`)
 * ```
 */
export async function compact(options: CompactStoreOptions): Promise<CompactResult> {
  const { ctx, window, depth = 50, maxPackSize = 1024 * MIB, gitBinary = 'git', full = false } = options
  if (window !== undefined) positiveInteger('window', window, 1, 10_000)
  positiveInteger('depth', depth, 1, 4095)
  positiveInteger('maxPackSize', maxPackSize, MIB, 2048 * MIB - 1)
  if (typeof gitBinary !== 'string' || gitBinary.length === 0) {
    throw new InvalidArgumentError('`gitBinary` must be a non-empty string', { parameter: 'gitBinary', expected: 'a path or command name', received: typeof gitBinary })
  }
  if (options.background !== true) return compactNow(ctx, { window, depth, maxPackSize, gitBinary, full, background: false })
  // Background compactions run one at a time, across processes (see compaction-lock.ts).
  const only = await asOnlyCompaction(ctx, () => compactNow(ctx, { window, depth, maxPackSize, gitBinary, full, background: true }))
  if (only.ran) return only.value
  const size = await ctx.repo.objectStoreSize()
  return { compacted: false, nativeGit: true, gitVersion: null, message: `not compacted: a background compaction is already running (${only.holder ?? 'another process'})`, before: size, after: size, seconds: 0, mode: 'none' }
}

async function compactNow(
  ctx: StoreContext,
  options: { window: number | undefined; depth: number; maxPackSize: number; gitBinary: string; full: boolean; background: boolean },
): Promise<CompactResult> {
  const { window, depth, maxPackSize, gitBinary, full } = options
  const repo = ctx.repo
  const git = await nativeGitVersion(gitBinary)
  if (git.version === null) {
    // Said before any lock is taken: without git there is nothing to wait for.
    const size = await repo.objectStoreSize()
    return {
      compacted: false,
      nativeGit: false,
      gitVersion: null,
      message: `not compacted: ${git.reason}; compaction needs native git (install it, or pass gitBinary). The store is unchanged and works as before.`,
      before: size,
      after: size,
      seconds: 0,
      mode: 'none',
    }
  }
  // Without a record (never compacted, or the record is lost) the incremental path packs everything.
  const since = full ? null : ((await readRecord(ctx))?.tips ?? [])
  if (since !== null) {
    const incremental = await compactIncrementally(ctx, { window: window ?? INCREMENTAL_WINDOW, depth, gitBinary, since, background: options.background })
    if (incremental !== null) return incremental
  }
  return ctx.lock.run(async () => {
    const before = await repo.objectStoreSize()
    const started = performance.now()
    const tips = await repo.currentTips(gitBinary)
    await repo.repack({ gitBinary, window: window ?? 10, depth, maxPackSize })
    await writeRecord(ctx, tips)
    const seconds = (performance.now() - started) / 1000
    const after = await repo.objectStoreSize()
    return {
      compacted: true,
      nativeGit: true,
      gitVersion: git.version,
      message: `compacted with ${git.version}: ${before.bytes} → ${after.bytes} bytes in ${after.packs} pack${after.packs === 1 ? '' : 's'} (${seconds.toFixed(1)} s)`,
      before,
      after,
      seconds,
      mode: 'full',
    }
  })
}

/**
 * The incremental compaction: everything that takes time (packing the new objects, merging small
 * packs) only adds packs and runs without the write lock, so saves go on meanwhile. Only the
 * deletions (packs whose objects were merged, loose objects now packed) take the lock, briefly:
 * a save may be rewriting one of those loose objects. `null` when the record is unusable (a
 * recorded tip is gone), and a full compaction should run instead.
 */
async function compactIncrementally(
  ctx: StoreContext,
  options: { window: number; depth: number; gitBinary: string; since: string[]; background: boolean },
): Promise<CompactResult | null> {
  const repo = ctx.repo
  const git = await nativeGitVersion(options.gitBinary)
  if (git.version === null) return null
  const before = await repo.objectStoreSize()
  const started = performance.now()
  const tips = await repo.currentTips(options.gitBinary)
  const packed = await repo.repackIncrementally({ gitBinary: options.gitBinary, window: options.window, depth: options.depth, since: options.since, background: options.background }, (fn) =>
    ctx.lock.run(async () => {
      await fn()
      await writeRecord(ctx, tips)
    }),
  )
  if (!packed) return null
  const seconds = (performance.now() - started) / 1000
  const after = await repo.objectStoreSize()
  return {
    compacted: true,
    nativeGit: true,
    gitVersion: git.version,
    message: `compacted what was new with ${git.version}: ${before.bytes} → ${after.bytes} bytes in ${after.packs} pack${after.packs === 1 ? '' : 's'} (${seconds.toFixed(1)} s)`,
    before,
    after,
    seconds,
    mode: 'incremental',
  }
}

function positiveInteger(parameter: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`\`${parameter}\` must be an integer from ${min} to ${max}, received ${String(value)}`, {
      parameter,
      expected: `an integer from ${min} to ${max}`,
      received: String(value),
    })
  }
}
