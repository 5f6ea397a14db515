import { bestIndex } from '../../model/best.js'
import { idText } from '../../model/lineage.js'
import type { Sidecar } from '../../model/sidecar.js'
import type { LineageData } from '../../report/model.js'
import { ancestry } from '../ancestry.js'
import type { StoreContext } from '../context.js'

/** One branch's last generation, as the lineage adapter needs it. */
export interface LineageInput {
  branch: string
  /** The ref to walk (the branch, tag or commit reported). */
  ref: string
  generation: number
  /** The last generation's sidecar, or `null` without one. */
  sidecar: Sidecar | null
}

/** Ancestry deeper than this many generations is cut off (and the graph says so). */
export const MAX_LINEAGE_DEPTH = 30

/**
 * The ancestry of the best individual of each branch's last generation, as the store recorded it
 * (`saveGeneration(n, pop, { lineage })`): the best is chosen by `bestIndex` (the primary
 * objective in its direction, the rule `evogit lineage` follows), its id read from the sidecar's
 * `lineage`, and its ancestors walked by `store.ancestry()`, across forks. A branch whose last
 * generation recorded no lineage has no graph.
 */
export async function lineageOf(ctx: StoreContext, inputs: readonly LineageInput[]): Promise<LineageData | null> {
  const out: LineageData['branches'] = []
  for (const input of inputs) {
    const sidecar = input.sidecar
    if (!sidecar?.lineage) continue
    const primary = sidecar.primary
    const best = bestIndex(sidecar.scores, { primary, ...(primary !== null && sidecar.objectives[primary] ? { direction: sidecar.objectives[primary] } : {}) })
    const entry = sidecar.lineage[best ?? 0]
    if (!entry) continue
    const graph = await ancestry({ ctx, id: entry.id, generation: input.generation, ref: input.ref, depth: MAX_LINEAGE_DEPTH })
    const score = (scores: Record<string, number | null>) => (primary === null ? null : (scores[primary] ?? null))
    out.push({
      branch: input.branch,
      root: idText(entry.id),
      nodes: graph.nodes.map((n) => ({
        key: n.key,
        id: idText(n.id),
        generation: n.generation,
        ref: n.ref,
        score: score(n.scores),
        ...(n.op === null ? {} : { operator: n.op }),
        missing: n.missing,
      })),
      edges: graph.edges.map((e) => ({ from: e.parent, to: e.child })),
      truncated: graph.nodes.some((n) => n.truncated),
    })
  }
  return out.length === 0 ? null : { branches: out }
}
