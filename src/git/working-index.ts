import type { BigIntStats } from 'node:fs'
import { entryFromStat } from './index-file.js'
import type { Repository } from './repository.js'

/** A working-tree file another program wrote, already holding the committed blob. */
export interface WorkingFileEntry {
  path: string
  oid: string
  /** Its stat taken before its bytes were read: a later write changes it, so git rehashes. */
  stat: BigIntStats
}

/**
 * Records files that already sit in the working tree with the committed content in the index,
 * without rewriting them. Rewriting would be harmless for the bytes we read, but the original
 * engine may be appending to a companion file (`generation_stats.jsonl`) at that very moment,
 * and renaming our snapshot over it would drop its line.
 */
export async function indexWorkingFiles(repo: Repository, files: readonly WorkingFileEntry[]): Promise<void> {
  if (files.length > 0) await repo.updateIndex(files.map((f) => entryFromStat(f.path, f.oid, f.stat)))
}
