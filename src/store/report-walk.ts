import { TRAILER } from '../model/commit-message.js'
import type { SettingsChange } from '../report/model.js'
import { resolveRef, type StoreContext } from './context.js'
import { walkFirstParent } from './history.js'
import type { LogEntry } from './history-types.js'
import { logEntryOf } from './log.js'
import type { KnownCommit } from './compare-lines.js'
import { settingsChangesOf } from './report-sources/settings.js'

/** One ref's line as the report reads it: `log`'s entries, oldest first, and the settings each commit says it changed. */
export interface WalkedLine {
  name: string
  entries: LogEntry[]
  /** `Settings-Changed` trailers by commit id; commits without any are absent. */
  settings: Map<string, SettingsChange[]>
}

/**
 * Walks `ref`'s first-parent line once, giving what `log({ ref })` gives (oldest first) and the
 * settings changes of each commit on it. The branch tree needs those trailers, and reading them
 * from the commits a second time cost the report of 10 × 1000 generations ten thousand commit
 * reads again (the commit cache holds fewer than that), and about 10 MB of peak memory.
 * Each commit's first parent and trailers go into `known`, so the comparison need not read them.
 */
export async function walkLine(ctx: StoreContext, ref: string, known: Map<string, KnownCommit>): Promise<WalkedLine> {
  const { commit } = await resolveRef(ctx, ref)
  const entries: LogEntry[] = []
  const settings = new Map<string, SettingsChange[]>()
  if (!commit) return { name: ref, entries, settings }
  const seen = new Set<number>()
  const marker = `${TRAILER.settingsChanged}:`
  await walkFirstParent(ctx, commit, ({ oid, commit: c, info }) => {
    known.set(oid, { parent: c.parents[0], info })
    // The same rule as `log`: the newest commit of a generation stands for it.
    if (!info || seen.has(info.generation)) return
    seen.add(info.generation)
    entries.push(logEntryOf(oid, c, info))
    if (c.message.includes(marker)) {
      const changes = settingsChangesOf(c.message, info.generation)
      if (changes.length > 0) settings.set(oid, changes)
    }
  })
  return { name: ref, entries: entries.reverse(), settings }
}
