import type { StoreContext } from './context.js'

/** What the last compaction left in `.git/evogit/compacted.json`. */
export interface CompactionRecord {
  /** The tips it packed: the next incremental compaction starts from them. */
  tips: string[]
  /**
   * The loose-object estimate right after it: objects no compaction packs (unreachable ones a
   * failed save left) stay loose, and must not make a compaction due after every save.
   */
  looseAfter: number
}

/** The last compaction's record, or `null` (never compacted, or the record is unusable). */
export async function readRecord(ctx: StoreContext): Promise<CompactionRecord | null> {
  try {
    const raw = await ctx.repo.storeFiles.read('compacted.json')
    const parsed = raw === null ? null : (JSON.parse(raw) as { tips?: unknown; looseAfter?: unknown })
    const tips = parsed?.tips
    if (!Array.isArray(tips) || !tips.every((t) => typeof t === 'string' && /^[0-9a-f]{40}$/.test(t))) return null
    const looseAfter = typeof parsed?.looseAfter === 'number' && Number.isSafeInteger(parsed.looseAfter) && parsed.looseAfter >= 0 ? parsed.looseAfter : 0
    return { tips: tips as string[], looseAfter }
  } catch {
    return null
  }
}

/** Records a finished compaction (call once its deletions are done). */
export async function writeRecord(ctx: StoreContext, tips: string[]): Promise<void> {
  const looseAfter = await ctx.repo.estimateLooseObjects()
  // Not fsynced: a lost record only makes the next compaction a full one.
  await ctx.repo.storeFiles.write('compacted.json', `${JSON.stringify({ tips, looseAfter })}\n`, { sync: false })
}
