import { parseCommitMessage } from '../model/commit-message.js'
import { settingChanges, settingsOf, type SettingChange } from '../model/settings.js'
import type { StoreContext } from './context.js'
import { loadMetadata } from './load-metadata.js'

/**
 * The settings a save changes compared with the generation before it on the branch (the parent
 * commit's sidecar), for the `Settings-Changed` trailers: so the commit that first runs with new
 * settings says so in `git log`. Only `meta.settings` counts; run state such as RNG state
 * changes every generation and is not a change of settings.
 *
 * Never fails a save: a parent without settings or with an unreadable sidecar gives `[]`.
 */
export async function settingsChangedSince(ctx: StoreContext, parent: { oid: string; message: string } | null, meta: unknown): Promise<SettingChange[]> {
  const after = settingsOf(meta)
  if (parent === null || after === null) return []
  const info = parseCommitMessage(parent.message)
  if (info === null) return []
  try {
    const sidecar = await loadMetadata({ ctx, generation: info.generation, ref: parent.oid })
    return settingChanges(settingsOf(sidecar?.meta ?? null), after)
  } catch {
    return []
  }
}
