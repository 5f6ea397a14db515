import { idText } from '../../model/lineage.js'
import type { Sidecar } from '../../model/sidecar.js'
import type { BranchPareto, FrontPoint, ObjectiveInfo, ParetoData } from '../../report/model.js'
import type { LogEntry } from '../history-types.js'

/** Fronts are read from the sidecars of at most this many evenly spread generations per branch. */
export const PARETO_SAMPLES = 12

/** One branch: its generations (for the recorded hypervolume) and its sampled sidecars, oldest first. */
export interface ParetoInput {
  branch: string
  entries: readonly LogEntry[]
  sidecars: { generation: number; sidecar: Sidecar }[]
}

/**
 * The two objectives the Pareto view plots: the first two the sidecars compared on their fronts
 * (`pareto.objectives`, sorted by name), leaving out `score` when there are at least two others
 * (in a store that saves named objectives, `score` is usually their weighted sum).
 */
export function paretoObjectives(objectives: readonly ObjectiveInfo[], sidecars: readonly (Sidecar | null)[]): [ObjectiveInfo, ObjectiveInfo] | null {
  const compared = sidecars.find((s) => s?.pareto)?.pareto?.objectives ?? []
  const infos = compared.flatMap((name) => objectives.filter((o) => o.name === name))
  const others = infos.filter((o) => o.name !== 'score')
  const pick = others.length >= 2 ? others : infos
  return pick.length >= 2 ? [pick[0]!, pick[1]!] : null
}

/**
 * Fronts and hypervolume as the store recorded them at each save: the front is the sidecar's
 * `pareto.front` (rank 0 over every compared objective, each in its direction), plotted on the
 * two chosen objectives; the hypervolume is each commit's `Hypervolume` trailer, the same number
 * as the sidecar's `pareto.hypervolume`, so every generation has one without opening a file.
 */
export function paretoFromStore(objectives: [ObjectiveInfo, ObjectiveInfo], inputs: readonly ParetoInput[]): ParetoData | null {
  const [ox, oy] = objectives
  const references = new Set<string>()
  const compared = new Set<string>()
  const branches: BranchPareto[] = []
  for (const input of inputs) {
    const gens = input.sidecars.flatMap(({ generation, sidecar }) => {
      const p = sidecar.pareto
      const xs = sidecar.scores[ox.name]
      const ys = sidecar.scores[oy.name]
      if (!p || !xs || !ys) return []
      if (p.reference) references.add(p.reference.source)
      compared.add(p.objectives.join(', '))
      const points: FrontPoint[] = p.front.flatMap((i) => {
        const x = xs[i]
        const y = ys[i]
        if (x === null || x === undefined || y === null || y === undefined) return []
        const id = sidecar.lineage?.[i]?.id
        return [{ x, y, id: id === undefined ? String(i) : idText(id) }]
      })
      return [{ generation, points, hypervolume: p.hypervolume }]
    })
    const hypervolume = input.entries.flatMap((e) => (e.pareto?.hypervolume === null || e.pareto?.hypervolume === undefined ? [] : [{ generation: e.generation, value: e.pareto.hypervolume }]))
    if (gens.length === 0 && hypervolume.length === 0) continue
    let bestIndex = 0
    gens.forEach((g, i) => {
      if ((g.hypervolume ?? -Infinity) > (gens[bestIndex]!.hypervolume ?? -Infinity)) bestIndex = i
    })
    const chosen: [string, number][] = gens.length === 0 ? [] : [
      ['first', 0],
      ['middle', Math.floor((gens.length - 1) / 2)],
      ['last', gens.length - 1],
      ['best', bestIndex],
    ]
    const seen = new Set<number>()
    const fronts = chosen.flatMap(([label, i]) => {
      if (seen.has(i)) return []
      seen.add(i)
      return [{ generation: gens[i]!.generation, label, points: gens[i]!.points }]
    })
    branches.push({ branch: input.branch, fronts, hypervolume })
  }
  if (branches.length === 0) return null
  const against = references.size === 0 ? 'no reference recorded' : [...references].map((r) => REFERENCE_WORDS[r] ?? r).join('; ')
  return {
    objectives,
    branches,
    note: `Fronts as the store recorded them (non-dominated over ${[...compared].join(' / ') || `${ox.name}, ${oy.name}`}) in the sidecars of up to ${PARETO_SAMPLES} evenly spread generations per branch, drawn on ${ox.name} and ${oy.name}; "best" is the sampled front with the largest recorded hypervolume. Hypervolume from each commit's Hypervolume trailer, measured against ${against}. When first, middle, last or best fall on the same generation, that front is drawn once.`,
  }
}

const REFERENCE_WORDS: Record<string, string> = {
  declared: 'the declared reference point',
  'worst-seen': "each generation's own worst values (so values are comparable within a generation, not across branches)",
  mixed: 'declared values where given, else the generation’s worst',
  given: 'a given reference point',
}
