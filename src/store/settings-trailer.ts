import { parseCommitMessage } from '../model/commit-message.js'
import { parseStoredExact } from '../model/lossless-json.js'
import { settingChanges, settingsOf, type SettingChange } from '../model/settings.js'
import type { JsonValue } from '../model/sidecar.js'
import type { StoreContext } from './context.js'
import { loadMetadata } from './load-metadata.js'

/** `meta.settings` of a save, as a reader of its sidecar gets it back (big integers as `bigint`). */
export type SavedSettings = Record<string, JsonValue> | null

/**
 * The settings of the last commit this store handle saved. A run saves generation after
 * generation, each the parent of the next: without this, every save re-read and re-parsed its
 * parent's whole sidecar (its scores included, 1000 of them in a big generation) for a few keys.
 * Keyed by commit id, which fixes the content, so a commit made elsewhere only misses.
 */
const lastSaved = new WeakMap<StoreContext, { commit: string; settings: SavedSettings }>()

/** The settings in a save's `meta` text, parsed exactly as the sidecar reader will parse them. */
export function savedSettings(meta: string): SavedSettings {
  return settingsOf(parseStoredExact(meta, 'meta'))
}

/** Records the settings `commit` was saved with, for the save that follows it. */
export function rememberSettings(ctx: StoreContext, commit: string, settings: SavedSettings): void {
  lastSaved.set(ctx, { commit, settings })
}

/**
 * The settings a save changes compared with the generation before it on the branch (the parent
 * commit's sidecar), for the `Settings-Changed` trailers: so the commit that first runs with new
 * settings says so in `git log`. Only `meta.settings` counts; run state such as RNG state
 * changes every generation and is not a change of settings.
 *
 * Both sides are parsed the same exact way: compared with a `JSON.parse`d side, a 64-bit seed
 * read back as a `bigint` looked changed at every generation.
 *
 * Never fails a save: a parent without settings or with an unreadable sidecar gives `[]`.
 */
export async function settingsChangedSince(ctx: StoreContext, parent: { oid: string; message: string } | null, after: SavedSettings): Promise<SettingChange[]> {
  if (parent === null || after === null) return []
  const known = lastSaved.get(ctx)
  if (known?.commit === parent.oid) return settingChanges(known.settings, after)
  const info = parseCommitMessage(parent.message)
  if (info === null) return []
  try {
    const sidecar = await loadMetadata({ ctx, generation: info.generation, ref: parent.oid })
    return settingChanges(settingsOf(sidecar?.meta ?? null), after)
  } catch {
    return []
  }
}
