import type { Sidecar } from '../../model/sidecar.js'
import type { BranchPareto, FrontPoint, ObjectiveInfo, ParetoData } from '../../report/model.js'
import { front2d, hypervolume2d } from '../../report/pareto2d.js'

/** Hypervolume is computed at this many evenly spread generations per branch. */
export const PARETO_SAMPLES = 12

/** One branch's sampled sidecars, oldest first. */
export interface ParetoInput {
  branch: string
  sidecars: { generation: number; sidecar: Sidecar }[]
}

/**
 * The two objectives the Pareto view plots: the first two by name, leaving out `score` when there
 * are at least two others (in a store that saves named objectives, `score` is usually their
 * weighted sum, which is not a trade-off against them).
 */
export function paretoObjectives(objectives: readonly ObjectiveInfo[]): [ObjectiveInfo, ObjectiveInfo] | null {
  const others = objectives.filter((o) => o.name !== 'score')
  const pick = others.length >= 2 ? others : objectives
  return pick.length >= 2 ? [pick[0]!, pick[1]!] : null
}

/**
 * Fronts and hypervolume, computed from the raw scores in sampled sidecars: the store keeps every
 * individual's scores, so the non-dominated set of two objectives is exact at each sampled
 * generation. The reference point for hypervolume is the worst value of each objective over every
 * sampled individual of every branch, so the branches are comparable.
 */
export function paretoFromSidecars(objectives: [ObjectiveInfo, ObjectiveInfo], inputs: readonly ParetoInput[]): ParetoData | null {
  const [ox, oy] = objectives
  const dirs = [ox.direction, oy.direction] as const
  const perBranch = inputs.map((input) => ({
    branch: input.branch,
    generations: input.sidecars.flatMap(({ generation, sidecar }) => {
      const xs = sidecar.scores[ox.name]
      const ys = sidecar.scores[oy.name]
      if (!xs || !ys || xs.length !== ys.length || xs.length === 0) return []
      const points: FrontPoint[] = xs.map((x, i) => ({ x, y: ys[i]!, id: String(i) }))
      return [{ generation, points, front: front2d(points, dirs) }]
    }),
  }))
  const all = perBranch.flatMap((b) => b.generations.flatMap((g) => g.points))
  if (all.length === 0) return null
  const worst = (values: number[], d: 'max' | 'min') => (d === 'max' ? Math.min(...values) : Math.max(...values))
  const reference = { x: worst(all.map((p) => p.x), ox.direction), y: worst(all.map((p) => p.y), oy.direction) }
  const branches: BranchPareto[] = perBranch
    .filter((b) => b.generations.length > 0)
    .map((b) => {
      const hypervolume = b.generations.map((g) => ({ generation: g.generation, value: hypervolume2d(g.front, dirs, reference) }))
      const gens = b.generations
      let bestIndex = 0
      hypervolume.forEach((h, i) => {
        if (h.value > hypervolume[bestIndex]!.value) bestIndex = i
      })
      const chosen: [string, number][] = [
        ['first', 0],
        ['middle', Math.floor((gens.length - 1) / 2)],
        ['last', gens.length - 1],
        ['best', bestIndex],
      ]
      const seen = new Set<number>()
      const fronts = chosen.flatMap(([label, i]) => {
        if (seen.has(i)) return []
        seen.add(i)
        return [{ generation: gens[i]!.generation, label, points: gens[i]!.front }]
      })
      return { branch: b.branch, fronts, hypervolume }
    })
  return {
    objectives,
    branches,
    note: `Fronts of ${ox.name} and ${oy.name} computed from the scores saved in the sidecars of up to ${PARETO_SAMPLES} evenly spread generations per branch; hypervolume against the worst sampled value of each objective. When first, middle, last or best fall on the same generation, that front is drawn once.`,
  }
}
