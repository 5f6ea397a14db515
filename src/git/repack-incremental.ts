import { listPacks, mergePacks, packNew, packsToRollUp, prunePacked, removePack, type IncrementalOptions } from './compact.js'
import type { RepoCore } from './core.js'
import type { ObjectDatabase } from './objects.js'

/**
 * The body of `Repository.repackIncrementally` (see there): pack what is new, merge small packs
 * geometrically, and make the deletions this allows inside `underLock`. Its own file because it
 * is the one compaction step that needs both native git and the object database's pack cache.
 */
export async function repackIncrementally(core: RepoCore, objects: ObjectDatabase, options: Omit<IncrementalOptions, 'gitdir'>, underLock: (fn: () => Promise<void>) => Promise<void>): Promise<boolean> {
  try {
    await packNew({ ...options, gitdir: core.gitdir })
  } catch {
    return false
  }
  const merged = packsToRollUp(await listPacks(core.fs, core.gitdir))
  const result = merged.length > 0 ? await mergePacks(options.gitBinary, core.gitdir, merged, options.background === true) : null
  await underLock(async () => {
    try {
      // Never the merged pack itself (see mergePacks), and only once it is there with its index.
      if (result !== null && (await listPacks(core.fs, core.gitdir)).some((p) => p.name === result)) {
        for (const pack of merged) if (pack.name !== result) await removePack(core.fs, core.gitdir, pack.name)
      }
      await prunePacked(options.gitBinary, core.gitdir)
    } finally {
      objects.forgetPacks()
    }
  })
  return true
}
