import { fieldChanges, type FieldChange, type IndividualsDiff } from './diff.js'
import { idText, indexById, type LineageEntry, type LineageId, type LineageParent } from './lineage.js'

/** What a lineage-matched diff counts. */
export interface LineageDiffSummary {
  /** Children identical to a parent: elites carried over unchanged. */
  elitesKept: number
  /** Children of one parent that differ from it. */
  mutated: number
  /** Children of two or more parents of the older generation. */
  crossovers: number
  /** Individuals with no parent in the older generation (random immigrants, migrants from elsewhere). */
  newcomers: number
  /** Individuals of the older generation with no child in the newer one. */
  removed: number
}

/** A child that differs from the parent it is compared with. */
export interface LineageChange {
  /** The child's id. */
  key: string
  /** Its fields, compared with the parent named by `from`. */
  fields: FieldChange[]
  /** The parent it is compared with: of several, the one it differs from least. */
  from: string
  /** The ids of all its parents in the older generation. */
  parents: string[]
  kind: 'mutated' | 'crossover'
  /** The operator recorded for it, if any. */
  op: string | null
}

/** A population diff matched by lineage. */
export interface LineageMatchedDiff<T> extends Omit<IndividualsDiff<T>, 'changed'> {
  changed: LineageChange[]
  summary: LineageDiffSummary
}

/** The arguments of {@link diffByLineage}. */
export interface DiffByLineageOptions<T> {
  from: readonly T[]
  /** The older generation's ids, in population order. */
  fromIds: readonly LineageId[]
  to: readonly T[]
  /** The newer generation's recorded lineage, in population order. */
  toEntries: readonly LineageEntry[]
  /** Whether a recorded parent of the newer generation lives in the older one (its generation, and ref if any). */
  isFromParent: (parent: LineageParent) => boolean
}

/**
 * Matches the newer generation's individuals to their parents in the older one, as recorded:
 * a child identical to a parent is an elite kept, one that differs is "changed from its parent"
 * with its field changes (a mutation with one parent, a crossover with more), one without a
 * parent there is a newcomer (`added`), and an older individual nobody descends from is
 * `removed`. Returns `null` when no child names a parent in the older generation, so that the
 * caller can fall back to matching by key rather than report everything as replaced.
 */
export function diffByLineage<T>(options: DiffByLineageOptions<T>): LineageMatchedDiff<T> | null {
  const { from, fromIds, to, toEntries } = options
  const where = indexById(fromIds)
  const parentsOf = toEntries.map((entry) =>
    (entry?.parents ?? []).flatMap((p) => {
      if (!options.isFromParent(p)) return []
      const i = where.get(idText(p.id))
      return i === undefined ? [] : [i]
    }),
  )
  if (parentsOf.every((ps) => ps.length === 0)) return null
  const summary: LineageDiffSummary = { elitesKept: 0, mutated: 0, crossovers: 0, newcomers: 0, removed: 0 }
  const out: LineageMatchedDiff<T> = { key: 'lineage', added: [], removed: [], changed: [], unchanged: 0, summary }
  const hasChild = new Set<number>()
  to.forEach((individual, i) => {
    const key = idText(toEntries[i]?.id ?? i)
    const parents = [...new Set(parentsOf[i] ?? [])]
    if (parents.length === 0) {
      summary.newcomers++
      out.added.push({ key, individual })
      return
    }
    for (const p of parents) hasChild.add(p)
    let closest: { parent: number; fields: FieldChange[] } | null = null
    for (const p of parents) {
      const fields = fieldChanges(from[p], individual)
      if (closest === null || fields.length < closest.fields.length) closest = { parent: p, fields }
    }
    if (closest!.fields.length === 0) {
      summary.elitesKept++
      out.unchanged++
      return
    }
    const kind = parents.length > 1 ? 'crossover' : 'mutated'
    if (kind === 'crossover') summary.crossovers++
    else summary.mutated++
    out.changed.push({
      key,
      fields: closest!.fields,
      from: idText(fromIds[closest!.parent]!),
      parents: parents.map((p) => idText(fromIds[p]!)),
      kind,
      op: toEntries[i]?.op ?? null,
    })
  })
  from.forEach((individual, i) => {
    if (hasChild.has(i)) return
    summary.removed++
    out.removed.push({ key: idText(fromIds[i] ?? i), individual })
  })
  return out
}
