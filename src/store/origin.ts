import { isDeepStrictEqual } from 'node:util'
import { ObjectDatabase } from '../git/objects.js'
import { canonicalJson } from '../model/canonical-json.js'
import { generationFileName } from '../model/generation-id.js'
import { walkAncestry } from '../model/lineage-graph.js'
import type { LineageId } from '../model/lineage.js'
import type { StoreContext } from './context.js'
import { commitOfGeneration } from './history.js'
import { createLineageSource } from './lineage-source.js'
import { parseStoredJson, readFileAt } from './read-helpers.js'

/** Options of `store.origin`. */
export interface OriginOptions {
  /** The generation the individual is in; by default the latest that has it. */
  generation?: number
  /** A branch, tag or commit; the current branch when omitted. */
  ref?: string
}

/** The arguments of {@link origin}: its options plus the store and the positional arguments. */
export interface OriginCall extends OriginOptions {
  ctx: StoreContext
  id: LineageId
}

/** Where an individual first appeared. */
export interface OriginResult {
  /** The individual asked about, where it was found. */
  id: LineageId
  generation: number
  ref: string
  /** The git blob id of its canonical JSON (what `git hash-object` prints for it saved alone). */
  blob: string
  /** The first generation on the ref holding it or an identical copy, the copy's position and id, and the commit that saved it. */
  first: { generation: number; index: number; id: LineageId; commit: string }
  /** True when the first copy carries the same id (an elite kept), false for an identical individual born under another id. */
  sameId: boolean
}

/**
 * The first generation in which an individual, or an identical copy of it (the same content, so
 * the same blob), appeared on a ref's history. Reads population files from generation 0 up and
 * stops at the first copy.
 *
 * @throws IndividualNotFoundError when the ref has no such individual.
 *
 * @example
 * ```ts
 * const { first, sameId } = await store.origin('Dana #131')
 * console.log(`kept unchanged since generation ${first.generation}`)
 * ```
 */
export async function origin(options: OriginCall): Promise<OriginResult> {
  const { ctx } = options
  const source = await createLineageSource(ctx, options.ref)
  const located = await walkAncestry({ source, id: options.id, generation: options.generation, depth: 0, refName: source.refName })
  const self = located.nodes[0]!
  const tip = source.tip!
  const population = async (g: number): Promise<unknown[]> => {
    const file = generationFileName(g)
    const bytes = await readFileAt(ctx, tip, file)
    const data = bytes === null ? [] : parseStoredJson(bytes, { generation: g, commit: tip, file })
    return Array.isArray(data) ? (data as unknown[]) : []
  }
  const individual = (await population(self.generation))[self.index!]
  let first = { generation: self.generation, index: self.index! }
  for (const g of await source.generations(null)) {
    if (g >= self.generation) break
    const index = (await population(g)).findIndex((other) => isDeepStrictEqual(other, individual))
    if (index !== -1) {
      first = { generation: g, index }
      break
    }
  }
  const firstIds = first.generation === self.generation ? null : await source.read(first.generation, null)
  const firstId = firstIds?.ids[first.index] ?? self.id
  return {
    id: self.id,
    generation: self.generation,
    ref: source.refName,
    blob: ObjectDatabase.hash('blob', Buffer.from(canonicalJson(individual, ctx.keyOrder, 'individual'))),
    first: { ...first, id: firstId, commit: await commitOfGeneration(ctx, tip, first.generation, source.refName) },
    sameId: String(firstId) === String(self.id),
  }
}
