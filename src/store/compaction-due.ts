import { DEFAULT_AUTO_COMPACT_EVERY } from './auto-compact.js'
import { nativeGitVersion } from '../git/compact.js'
import { compactionRunning } from './compaction-lock.js'
import { readRecord } from './compaction-record.js'
import type { StoreContext } from './context.js'

/** Loose objects a save writes: the population and sidecar blobs, four trees, the commit. */
const OBJECTS_PER_SAVE = 7

/** What {@link compactionDue} found. */
export interface CompactionDue {
  /** True when the store should be compacted now: enough loose objects, none running, and native git to do it. */
  due: boolean
  /** The estimated loose objects (one fan-out directory sampled, as `git gc --auto` does). */
  looseObjects: number
  /** The estimate right after the last compaction (objects it could not pack, such as unreachable ones); read only once `looseObjects` reaches `threshold`, 0 before. */
  looseAfterLastCompaction: number
  /** How many more loose objects than that make a compaction due. */
  threshold: number
  /** True while a background compaction of this store runs (in any process). */
  running: boolean
}

/** The arguments of {@link compactionDue}. */
export interface CompactionDueCall {
  ctx: StoreContext
}

/**
 * Whether the store has gathered enough loose objects to be worth compacting, judged from the
 * repository itself rather than from saves counted in one process, so it also works for engines
 * that run `evogit save` once per generation, a new process each time (which `autoCompact`'s
 * count would never reach): the CLI checks it after every save and starts `compact --auto` when it
 * says so. False while a background compaction is running, without native git, or when the store
 * was opened with `autoCompact: false`.
 *
 * @example
 * ```ts
 * if ((await store.compactionDue()).due) await store.compact({ background: true })
 * ```
 */
export async function compactionDue(options: CompactionDueCall): Promise<CompactionDue> {
  const { ctx } = options
  const looseObjects = await ctx.repo.estimateLooseObjects()
  // As many loose objects as the `autoCompact` interval of saves writes (default 250 saves).
  const threshold = (ctx.autoCompact?.every ?? DEFAULT_AUTO_COMPACT_EVERY) * OBJECTS_PER_SAVE
  const looseAfterLastCompaction = looseObjects >= threshold ? ((await readRecord(ctx))?.looseAfter ?? 0) : 0 // below it, nothing to subtract
  const enough = looseObjects - looseAfterLastCompaction >= threshold
  const running = enough ? await compactionRunning(ctx) : false
  // Without native git nothing can be packed, and every save would start a compaction in vain.
  const due = ctx.autoCompact !== undefined && enough && !running && (await hasNativeGit())
  return { due, looseObjects, looseAfterLastCompaction, threshold, running }
}

let nativeGit: Promise<boolean> | null = null

/** Whether `git` runs here, asked once per process (a compaction is due at most every few hundred saves). */
function hasNativeGit(): Promise<boolean> {
  nativeGit ??= nativeGitVersion('git').then((g) => g.version !== null)
  return nativeGit
}
