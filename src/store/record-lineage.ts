import { InvalidLineageError } from '../errors/index.js'
import { idText, indexById, normalizeLineage, type LineageEntry } from '../model/lineage.js'
import type { StoreContext } from './context.js'
import { createLineageSource } from './lineage-source.js'

/**
 * The save-time half of lineage: settle ids and refuse malformed entries before the write lock
 * (pure), then, under the lock, check that every parent exists where it says.
 */

/** Settles the ids of a save's `lineage` option; `undefined` when the save records no lineage. */
export function prepareLineage(ctx: StoreContext, options: { lineage: unknown; population: readonly unknown[]; generation: number }): LineageEntry[] | undefined {
  if (options.lineage === undefined) return undefined
  return normalizeLineage({ ...options, keyField: ctx.diffKey })
}

/**
 * Checks that each parent exists in the generation it names: on the history of the branch being
 * saved to (its tip `tip`), or on the `ref` it names. Reads one sidecar per distinct parent
 * generation, through the lineage cache.
 *
 * @throws InvalidLineageError naming the first individual with an unknown parent.
 */
export async function checkLineageParents(ctx: StoreContext, options: { entries: readonly LineageEntry[] | undefined; generation: number; tip: string | null; branch: string }): Promise<void> {
  const { entries, generation, tip, branch } = options
  if (!entries || entries.every((e) => e.parents.length === 0)) return
  const source = await createLineageSource(ctx, undefined, { commit: tip, name: branch })
  const known = new Map<string, Promise<Map<string, number> | null>>()
  const idsIn = (ref: string | null, g: number) => {
    const k = `${ref ?? ''}\n${g}`
    let ids = known.get(k)
    if (!ids) {
      ids = source.read(g, ref).then((gen) => (gen ? indexById(gen.ids) : null))
      known.set(k, ids)
    }
    return ids
  }
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!
    for (const parent of entry.parents) {
      const ref = parent.ref === undefined || parent.ref === branch ? null : parent.ref
      const ids = await idsIn(ref, parent.generation)
      if (ids?.has(idText(parent.id))) continue
      const where = ref === null ? `branch ${branch}` : `ref ${ref}`
      const why = ids === null ? `generation ${parent.generation} is not on ${where}` : `generation ${parent.generation} on ${where} has no individual ${JSON.stringify(parent.id)}`
      throw new InvalidLineageError(`lineage of generation ${generation}: individual ${index} (${JSON.stringify(entry.id)}) names an unknown parent: ${why}`, {
        generation,
        index,
        id: entry.id,
        parent,
        reason: 'unknown parent',
      })
    }
  }
}
