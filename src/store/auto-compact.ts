import { InvalidArgumentError } from '../errors/index.js'
import { compact, type CompactOptions, type CompactResult } from './compact.js'
import type { StoreContext } from './context.js'

/** Options of `openStore({ autoCompact })`. */
export interface AutoCompactOptions {
  /** Compact in the background after every `every` saves made through this store. */
  every: number
  /** Options of each compaction (`full` is ignored: background compactions are always incremental). */
  compact?: Omit<CompactOptions, 'full'>
  /** Called with a background compaction's error (default: ignored; the store works as before without compaction). */
  onError?: (err: unknown) => void
}

/** What the store needs from the auto-compactor: a hook after each save and the running compaction. */
export interface AutoCompactor {
  afterSave(): void
  running(): Promise<CompactResult | null>
}

/**
 * Saves between background compactions when `openStore` is given no `autoCompact`. A long run's
 * loose objects grow quadratically (every commit's root tree lists every generation), so, as git
 * runs `gc --auto` by default, the store packs what is new every 250 saves: at 5000 generations of
 * 100 personas that keeps `.git` near a tenth of the raw JSON instead of two thirds of it.
 */
export const DEFAULT_AUTO_COMPACT_EVERY = 250

/** Checks `autoCompact` as `openStore` receives it: absent is the default, `false` turns it off. */
export function checkedAutoCompact(value: unknown): AutoCompactOptions | undefined {
  if (value === undefined) return { every: DEFAULT_AUTO_COMPACT_EVERY }
  if (value === false) return undefined
  const every: unknown = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['every'] : undefined
  if (typeof value !== 'object' || value === null || typeof every !== 'number' || !Number.isSafeInteger(every) || every < 1) {
    throw new InvalidArgumentError('`autoCompact` must be { every: n } with n a positive integer, or false', { parameter: 'autoCompact', expected: '{ every: positive integer } or false', received: JSON.stringify(value) ?? typeof value })
  }
  return value as AutoCompactOptions
}

/**
 * Starts an incremental compaction after every `every` saves, without waiting for it: the save
 * has returned by then, and the compaction packs while later saves go on (it takes the write
 * lock only to delete what its packs made redundant, as long as a lock hand-over). Its git runs
 * at the lowest CPU priority with one thread, so on a busy machine the saves keep their core.
 * One runs at a time; saves made meanwhile count towards the next.
 */
export function autoCompactor(ctx: StoreContext, options: AutoCompactOptions): AutoCompactor {
  let saves = 0
  let current: Promise<CompactResult | null> | null = null
  return {
    afterSave() {
      saves++
      if (saves < options.every || current !== null) return
      saves = 0
      current = compact({ ...options.compact, ctx, full: false, background: true })
        .catch((err: unknown) => {
          options.onError?.(err)
          return null
        })
        .finally(() => {
          current = null
        })
    },
    running() {
      return current ?? Promise.resolve(null)
    },
  }
}
