import { deriveIds, type LineageParent } from '../model/lineage.js'
import { diffByLineage, type LineageDiffSummary, type LineageMatchedDiff } from '../model/lineage-diff.js'
import type { Sidecar } from '../model/sidecar.js'
import type { StoreContext } from './context.js'
import { commitOfGeneration, type ResolvedGeneration } from './history.js'

/** How a diff matched individuals, for {@link PopulationDiff}. */
export interface DiffMatching {
  matchedBy: 'lineage' | 'key'
  lineage: LineageDiffSummary | null
  note: string | null
}

/**
 * Matches two loaded generations by the newer one's recorded lineage, or returns why it could
 * not (then `diff` matches by key, and says so). Reads nothing but, when the sides are on
 * different refs, which commit saved the older generation on the newer side's ref.
 */
export async function matchByLineage<T>(
  ctx: StoreContext<T>,
  sides: { a: ResolvedGeneration; b: ResolvedGeneration; before: readonly T[]; after: readonly T[]; metaA: Sidecar | null; metaB: Sidecar | null },
): Promise<{ diff: LineageMatchedDiff<T> } | { note: string }> {
  const { a, b, before, after, metaA, metaB } = sides
  const entries = metaB?.lineage
  if (!entries) return { note: `no lineage recorded for ${b.ref}:${b.generation}` }
  // A parent without a ref is on the newer side's history: the older side is that generation only if both refs share its commit.
  const sameHistory = a.ref === b.ref || (await commitOfGeneration(ctx, b.tip, a.generation, b.ref).catch(() => null)) === a.commit
  const isFromParent = (p: LineageParent) => p.generation === a.generation && (p.ref === undefined ? sameHistory : p.ref === a.ref)
  const fromIds = metaA?.lineage?.map((e) => e.id) ?? deriveIds(before, a.generation, ctx.diffKey)
  const diff = diffByLineage({ from: before, fromIds, to: after, toEntries: entries, isFromParent })
  return diff ? { diff } : { note: `the lineage of ${b.ref}:${b.generation} names no parent in ${a.ref}:${a.generation}` }
}
