import type { LineageId } from '../model/lineage.js'
import { walkDescendants } from '../model/lineage-graph.js'
import type { LineageQueryOptions, LineageResult } from './ancestry.js'
import type { StoreContext } from './context.js'
import { createLineageSource } from './lineage-source.js'

/** The arguments of {@link descendants}. */
export interface DescendantsOptions extends LineageQueryOptions {
  ctx: StoreContext
  id: LineageId
}

/**
 * The descendants of an individual on a ref: its children, their children, and so on, with the
 * generation, scores and operator of each. Without `generation` it starts at the earliest
 * generation that has the id. Reads the sidecar of every later generation once (a child may name
 * a parent several generations back), never a population file when lineage was recorded.
 *
 * @throws IndividualNotFoundError when the ref has no such individual.
 *
 * @example
 * ```ts
 * const offspring = await store.descendants('Alice #0', { generation: 0, depth: 2 })
 * offspring.nodes.length // the individual itself and everyone within two generations of it
 * ```
 */
export async function descendants(options: DescendantsOptions): Promise<LineageResult> {
  const { ctx } = options
  const source = await createLineageSource(ctx, options.ref)
  const graph = await walkDescendants({ source, id: options.id, generation: options.generation, depth: options.depth, refName: source.refName })
  return { ...graph, ref: source.refName, reads: source.counts }
}
