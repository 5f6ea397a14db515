import type { LineageData } from '../../report/model.js'

/** What the lineage adapter needs to know about one branch's last generation. */
export interface LineageInput {
  branch: string
  generation: number
  population: readonly unknown[]
  scores: readonly number[] | null
  /** Loads an earlier generation of the same branch (population and primary scores). */
  load(generation: number): Promise<{ population: readonly unknown[]; scores: readonly number[] | null }>
}

/** Ancestry deeper than this many generations is cut off (and the graph says so). */
export const MAX_LINEAGE_DEPTH = 30

/**
 * The ancestry of the best individual of each branch's last generation. Until the store records
 * lineage itself, it is read from the individuals: an `id` field and a `parents` array of ids
 * (the convention of the lineage stream). Stores whose individuals have neither have no lineage,
 * and the report says so.
 */
export async function lineageOf(inputs: readonly LineageInput[]): Promise<LineageData | null> {
  const out: LineageData['branches'] = []
  for (const input of inputs) {
    const idOf = (ind: unknown): string | null => {
      const id = (ind as Record<string, unknown> | null)?.['id']
      return typeof id === 'string' || typeof id === 'number' ? String(id) : null
    }
    const parentsOf = (ind: unknown): string[] | null => {
      const p = (ind as Record<string, unknown> | null)?.['parents']
      return Array.isArray(p) ? p.filter((x) => typeof x === 'string' || typeof x === 'number').map(String) : null
    }
    if (input.population.length === 0 || !input.population.every((ind) => idOf(ind) !== null && parentsOf(ind) !== null)) continue
    let bestIndex = 0
    input.scores?.forEach((s, i) => {
      if (s > input.scores![bestIndex]!) bestIndex = i
    })
    const root = idOf(input.population[bestIndex])!
    const nodes = new Map<string, LineageData['branches'][number]['nodes'][number]>()
    const edges: { from: string; to: string }[] = []
    nodes.set(root, { id: root, generation: input.generation, score: input.scores?.[bestIndex] ?? null })
    let wanted = new Map<string, string[]>([[root, parentsOf(input.population[bestIndex]) ?? []]])
    let generation = input.generation
    let truncated = false
    while (wanted.size > 0 && generation > 0) {
      if (input.generation - generation >= MAX_LINEAGE_DEPTH) {
        truncated = true
        break
      }
      generation--
      const parents = new Set([...wanted.values()].flat())
      if (parents.size === 0) break
      const { population, scores } = await input.load(generation)
      const next = new Map<string, string[]>()
      population.forEach((ind, i) => {
        const id = idOf(ind)
        if (id === null || !parents.has(id) || nodes.has(id)) return
        nodes.set(id, { id, generation, score: scores?.[i] ?? null })
        next.set(id, parentsOf(ind) ?? [])
      })
      for (const [child, ps] of wanted) for (const p of ps) if (nodes.has(p)) edges.push({ from: p, to: child })
      wanted = next
    }
    out.push({ branch: input.branch, root, nodes: [...nodes.values()], edges, truncated })
  }
  return out.length === 0 ? null : { branches: out }
}
