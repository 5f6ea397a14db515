import { IndividualNotFoundError, InvalidArgumentError } from '../errors/index.js'
import { idText, indexById, type LineageEntry, type LineageId } from './lineage.js'

/**
 * The ancestry and descendants walks, over whatever {@link LineageSource} the caller injects: the
 * store reads sidecars through a cache, tests hand in plain arrays. Pure apart from that reader.
 * @module
 */

/** One generation as the walk sees it: ids, recorded entries and scores, all in population order. */
export interface GenerationLineage {
  generation: number
  ids: LineageId[]
  /** The recorded entry of each individual, or `null` when the generation was saved without lineage. */
  entries: (LineageEntry | null)[]
  /** Scores per objective, in population order (`null` where an individual has none). */
  scores: Record<string, readonly (number | null)[]>
}

/** Where the walk reads generations from. `ref` is `null` for the walk's own ref. */
export interface LineageSource {
  /** The generation as stored on `ref`, or `null` when the ref has no such generation. */
  read(generation: number, ref: string | null): Promise<GenerationLineage | null>
  /** The generation ids on `ref`, ascending. */
  generations(ref: string | null): Promise<number[]>
}

/** One individual in a lineage graph. */
export interface LineageNode {
  /** Unique within the graph: `<generation>:<id>`, prefixed `<ref>~` when on another ref than the query's. */
  key: string
  id: LineageId
  generation: number
  /** The ref it lives on when that is not the ref queried (a migrant's island), else `null`. */
  ref: string | null
  /** Its position in the population, or `null` when it is `missing`. */
  index: number | null
  /** The operator that made it, when recorded. */
  op: string | null
  /** Its scores per objective. */
  scores: Record<string, number | null>
  /** Steps from the queried individual (0 for itself). */
  depth: number
  /** A recorded parent that the store does not have (its ref was deleted or rolled back). */
  missing: boolean
  /** The walk stopped here at `depth`; there is more beyond. */
  truncated: boolean
}

/** An edge from a parent to its child, by node key. */
export interface LineageEdge {
  parent: string
  child: string
}

/** Ancestors (or descendants) of one individual: a graph, since ancestors are shared (crossover of relatives). */
export interface LineageGraph {
  direction: 'ancestry' | 'descendants'
  /** The key of the queried individual. */
  root: string
  /** Root first, then by depth. Each individual appears once. */
  nodes: LineageNode[]
  edges: LineageEdge[]
}

/** The options of {@link walkAncestry} and {@link walkDescendants}. */
export interface WalkOptions {
  source: LineageSource
  id: LineageId
  /** The generation the individual is in; by default the latest (ancestry) or earliest (descendants) that has the id. */
  generation?: number | undefined
  /** How many generations of parents (or children) to follow; unlimited by default. */
  depth?: number | undefined
  /** The name of the queried ref, so that a parent naming it explicitly counts as on the same ref. */
  refName: string
}

/** The key of an individual in a graph. `~` cannot occur in a ref name, so keys never collide. */
export function nodeKey(ref: string | null, generation: number, id: LineageId): string {
  return `${ref === null ? '' : `${ref}~`}${generation}:${idText(id)}`
}

function nodeOf(gen: GenerationLineage | null, generation: number, id: LineageId, ref: string | null, depth: number): LineageNode {
  const index = gen ? (indexById(gen.ids).get(idText(id)) ?? null) : null
  const scores: Record<string, number | null> = {}
  if (gen && index !== null) for (const [name, values] of Object.entries(gen.scores)) scores[name] = values[index] ?? null
  return {
    key: nodeKey(ref, generation, id),
    id: index !== null && gen ? gen.ids[index]! : id,
    generation,
    ref,
    index,
    op: (index !== null && gen?.entries[index]?.op) || null,
    scores,
    depth,
    missing: index === null,
    truncated: false,
  }
}

async function locate(options: WalkOptions, newest: boolean): Promise<{ gen: GenerationLineage; index: number }> {
  const { source, id } = options
  const text = idText(id)
  const candidates = options.generation === undefined ? await source.generations(null) : [options.generation]
  if (newest) candidates.reverse()
  for (const g of candidates) {
    const gen = await source.read(g, null)
    const index = gen ? indexById(gen.ids).get(text) : undefined
    if (gen && index !== undefined) return { gen, index }
  }
  const where = options.generation === undefined ? `any generation on ${options.refName}` : `generation ${options.generation} on ${options.refName}`
  // A string id quoted, a number as its digits (idText: a bigint from an exactly parsed request has no JSON.stringify).
  throw new IndividualNotFoundError(`no individual ${typeof id === 'string' ? JSON.stringify(id) : idText(id)} in ${where}`, {
    id,
    ...(options.generation === undefined ? {} : { generation: options.generation }),
    ref: options.refName,
  })
}

function checkDepth(depth: number | undefined): number {
  if (depth === undefined) return Infinity
  if (!Number.isSafeInteger(depth) || depth < 0) {
    throw new InvalidArgumentError(`\`depth\` must be a whole number from 0 up, received ${String(depth)}`, { parameter: 'depth', expected: 'a whole number ≥ 0', received: String(depth) })
  }
  return depth
}

/**
 * The ancestors of an individual, generation by generation, reading one generation per distinct
 * (ref, generation) met: a walk of depth d over a chain reads d + 1 generations, however long
 * the history.
 */
export async function walkAncestry(options: WalkOptions): Promise<LineageGraph> {
  const maxDepth = checkDepth(options.depth)
  const { source } = options
  const { gen, index } = await locate(options, true)
  const root = nodeOf(gen, gen.generation, gen.ids[index]!, null, 0)
  const nodes = new Map([[root.key, root]])
  const entries = new Map<string, LineageEntry | null>([[root.key, gen.entries[index] ?? null]])
  const edges = new Map<string, LineageEdge>()
  let frontier = [root]
  while (frontier.length > 0) {
    const next: LineageNode[] = []
    const wanted: { child: LineageNode; ref: string | null; generation: number; id: LineageId }[] = []
    for (const child of frontier) {
      const parents = entries.get(child.key)?.parents ?? []
      if (parents.length === 0) continue
      if (child.depth >= maxDepth) {
        child.truncated = true
        continue
      }
      for (const p of parents) {
        const ref = p.ref === undefined || p.ref === options.refName ? child.ref : p.ref
        wanted.push({ child, ref: ref === options.refName ? null : ref, generation: p.generation, id: p.id })
      }
    }
    // Read each generation once per level, side by side; the source caches across levels.
    const reads = new Map<string, Promise<GenerationLineage | null>>()
    for (const w of wanted) {
      const k = nodeKey(w.ref, w.generation, '')
      if (!reads.has(k)) reads.set(k, source.read(w.generation, w.ref))
    }
    for (const w of wanted) {
      const gen = await reads.get(nodeKey(w.ref, w.generation, ''))!
      const key = nodeKey(w.ref, w.generation, w.id)
      let parent = nodes.get(key)
      if (!parent) {
        parent = nodeOf(gen, w.generation, w.id, w.ref, w.child.depth + 1)
        nodes.set(key, parent)
        entries.set(key, parent.index !== null ? (gen?.entries[parent.index] ?? null) : null)
        next.push(parent)
      }
      edges.set(`${key}\n${w.child.key}`, { parent: key, child: w.child.key })
    }
    frontier = next
  }
  return { direction: 'ancestry', root: root.key, nodes: [...nodes.values()], edges: [...edges.values()] }
}

/**
 * The descendants of an individual on the queried ref: every later generation is read once (a
 * child may name a parent any number of generations back), and each individual whose parents
 * include a node already reached joins at that node's depth + 1.
 */
export async function walkDescendants(options: WalkOptions): Promise<LineageGraph> {
  const maxDepth = checkDepth(options.depth)
  const { source } = options
  const { gen, index } = await locate(options, false)
  const root = nodeOf(gen, gen.generation, gen.ids[index]!, null, 0)
  const nodes = new Map([[root.key, root]])
  const edges: LineageEdge[] = []
  for (const g of await source.generations(null)) {
    if (g <= root.generation) continue
    const later = await source.read(g, null)
    if (!later) continue
    later.entries.forEach((entry, i) => {
      if (!entry) return
      const child = nodeKey(null, g, later.ids[i]!)
      for (const p of entry.parents) {
        const ref = p.ref === undefined || p.ref === options.refName ? null : p.ref
        const parent = nodes.get(nodeKey(ref, p.generation, p.id))
        if (!parent || parent.key === child) continue
        if (parent.depth >= maxDepth) {
          parent.truncated = true
          continue
        }
        let node = nodes.get(child)
        if (!node) nodes.set(child, (node = nodeOf(later, g, later.ids[i]!, null, parent.depth + 1)))
        else node.depth = Math.min(node.depth, parent.depth + 1)
        edges.push({ parent: parent.key, child })
      }
    })
  }
  return { direction: 'descendants', root: root.key, nodes: [...nodes.values()].sort((a, b) => a.depth - b.depth), edges }
}
