import type { LineageId } from '../model/lineage.js'
import { walkAncestry, type LineageGraph } from '../model/lineage-graph.js'
import type { StoreContext } from './context.js'
import { createLineageSource, type LineageReadCounts } from './lineage-source.js'

/** Where and how far a lineage query looks. */
export interface LineageQueryOptions {
  /** The generation the individual is in. By default the latest that has it (ancestry) or the earliest (descendants). */
  generation?: number
  /** A branch, tag or commit; the current branch when omitted. */
  ref?: string
  /** How many generations of parents (or children) to follow; unlimited when omitted. */
  depth?: number
}

/** A lineage graph and the ref it was read on. */
export interface LineageResult extends LineageGraph {
  /** The ref queried (a branch name, or what was passed as `ref`). */
  ref: string
  /** What the query read: sidecars parsed, population files read (only for generations saved without lineage), cache hits. */
  reads: LineageReadCounts
}

/** The arguments of {@link ancestry}. */
export interface AncestryOptions extends LineageQueryOptions {
  ctx: StoreContext
  id: LineageId
}

/**
 * The ancestors of an individual as recorded with `saveGeneration(n, pop, { lineage })`: each
 * with its generation, scores and the operator that made it, across branch forks (an ancestor
 * saved on main before the fork is on the branch's history too) and migrants from other refs.
 * Reads only sidecars, through a cache: a walk of depth d reads about d sidecars, however long
 * the history.
 *
 * @throws IndividualNotFoundError when the ref has no such individual (in `generation`, if given).
 *
 * @example
 * ```ts
 * const tree = await store.ancestry('Dana #131', { depth: 5 })
 * tree.nodes.map((n) => `${n.generation}:${n.id} ${n.op ?? ''}`)
 * tree.edges // [{ parent: '13:Dana #112', child: '14:Dana #131' }, …]
 * ```
 */
export async function ancestry(options: AncestryOptions): Promise<LineageResult> {
  const { ctx } = options
  const source = await createLineageSource(ctx, options.ref)
  const graph = await walkAncestry({ source, id: options.id, generation: options.generation, depth: options.depth, refName: source.refName })
  return { ...graph, ref: source.refName, reads: source.counts }
}
