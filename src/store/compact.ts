import { InvalidArgumentError } from '../errors/index.js'
import { nativeGitVersion, type ObjectStoreSize } from '../git/compact.js'
import type { StoreContext } from './context.js'

/** Options of {@link compact}. */
export interface CompactOptions {
  /**
   * Objects each one is compared with in git's delta search (default 250, as `git gc
   * --aggressive`). Every saved file has its own name, so a generation's nearest relative is
   * rarely next to it in git's candidate order; a wide window is what finds it.
   */
  window?: number
  /**
   * Longest delta chain (default 50). Longer chains pack smaller; reading an old generation
   * then applies up to this many deltas.
   */
  depth?: number
  /** Largest pack in bytes (default 1 GiB, at least 1 MiB): isomorphic-git cannot read packs of 2 GiB or more. */
  maxPackSize?: number
  /** The git executable (default `git`, looked up on PATH). */
  gitBinary?: string
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
}

/** The arguments of {@link compact}. */
export interface CompactStoreOptions extends CompactOptions {
  ctx: StoreContext
}

const MIB = 1 << 20

/**
 * Packs the store's history with native git's delta compression. Saves write one loose object
 * per file (fast, and never a delta), which over a long run takes a fair share of the raw JSON;
 * consecutive generations mostly repeat each other, so a repack with a real delta search shrinks
 * the repository to a few percent of it. It runs `git repack -a -d -f` under the store's write
 * lock (saves wait), never as part of a save. Without native git nothing changes and the result
 * says so (`compacted: false`, `nativeGit: false`, and a message).
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
  const { ctx, window = 250, depth = 50, maxPackSize = 1024 * MIB, gitBinary = 'git' } = options
  positiveInteger('window', window, 1, 10_000)
  positiveInteger('depth', depth, 1, 4095)
  positiveInteger('maxPackSize', maxPackSize, MIB, 2048 * MIB - 1)
  if (typeof gitBinary !== 'string' || gitBinary.length === 0) {
    throw new InvalidArgumentError('`gitBinary` must be a non-empty string', { parameter: 'gitBinary', expected: 'a path or command name', received: typeof gitBinary })
  }
  const repo = ctx.repo
  return ctx.lock.run(async () => {
    const before = await repo.objectStoreSize()
    const git = await nativeGitVersion(gitBinary)
    if (git.version === null) {
      return {
        compacted: false,
        nativeGit: false,
        gitVersion: null,
        message: `not compacted: ${git.reason}; compaction needs native git (install it, or pass gitBinary). The store is unchanged and works as before.`,
        before,
        after: before,
        seconds: 0,
      }
    }
    const started = performance.now()
    await repo.repack({ gitBinary, window, depth, maxPackSize })
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
    }
  })
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
