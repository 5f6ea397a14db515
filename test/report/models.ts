import { absent, present, REPORT_MODEL_VERSION, type ReportModel, type TrajectoryPoint } from '../../src/report/model.js'
import { THINNING_RULE, thinTrajectory } from '../../src/report/thin.js'

const commit = (i: number) => i.toString(16).padStart(40, '0')

/** A trajectory of `n` generations starting at `start`, improving towards lower values when `min`. */
export function series(start: number, n: number, direction: 'max' | 'min', failedEvery = 0): TrajectoryPoint[] {
  return Array.from({ length: n }, (_, i) => {
    const g = start + i
    const centre = direction === 'max' ? g / 10 : 10 - g / 10
    return { generation: g, best: direction === 'max' ? centre + 1 : centre - 1, mean: centre, median: centre, min: centre - 1, max: centre + 1, count: 20, failed: failedEvery > 0 ? (g % failedEvery === 0 ? 2 : 0) : 0 }
  })
}

/**
 * A full model built by hand: two objectives (`accuracy` max, `loss` min), `main` from 0 and
 * `wide` forked at `fork`, a Pareto section and a lineage graph with known nodes.
 */
export function fullModel(options: { mainGenerations?: number; wideGenerations?: number; fork?: number } = {}): ReportModel {
  const mainN = options.mainGenerations ?? 30
  const wideN = options.wideGenerations ?? 20
  const fork = options.fork ?? 10
  const traj = (start: number, n: number) => ({
    accuracy: thinTrajectory(series(start, n, 'max', 5), 'max'),
    loss: thinTrajectory(series(start, n, 'min', 5), 'min'),
  })
  return {
    version: REPORT_MODEL_VERSION,
    title: 'test <report> & co',
    generatedAt: '2026-01-01T00:00:00.000Z',
    store: { dir: '/tmp/x', branches: ['main', 'wide'], refs: ['main', 'wide'] },
    primaryObjective: 'accuracy',
    notes: ['a note for the reader'],
    trajectories: present({
      objectives: [
        { name: 'accuracy', direction: 'max', directionSource: 'sidecar' },
        { name: 'loss', direction: 'min', directionSource: 'sidecar' },
      ],
      branches: [
        { branch: 'main', points: traj(0, mainN), generations: mainN },
        { branch: 'wide', points: traj(fork, wideN), generations: wideN },
      ],
      thinning: { maxPoints: 800, thinned: mainN > 800 || wideN > 800, rule: THINNING_RULE },
    }),
    branchTree: present([
      { name: 'main', current: true, commit: commit(1), forkedFrom: null, firstGeneration: 0, latestGeneration: mainN - 1, generations: mainN, best: { objective: 'accuracy', value: 3.9, generation: mainN - 1 }, settingsChanges: [], settingsSource: 'none' },
      {
        name: 'wide',
        current: false,
        commit: commit(2),
        forkedFrom: { branch: 'main', generation: fork, commit: commit(3) },
        firstGeneration: fork + 1,
        latestGeneration: fork + wideN - 1,
        generations: wideN,
        best: { objective: 'accuracy', value: 3.8, generation: fork + wideN - 1 },
        settingsChanges: [{ path: 'mutationRate', from: 0.1, to: 0.5, generation: fork + 1 }],
        settingsSource: 'trailer',
      },
    ]),
    comparison: present({ columns: ['branch', 'best'], rows: [{ branch: 'main', best: 3.9 }, { branch: 'wide', best: 3.8 }], source: 'compare' }),
    pareto: present({
      objectives: [
        { name: 'accuracy', direction: 'max', directionSource: 'sidecar' },
        { name: 'loss', direction: 'min', directionSource: 'sidecar' },
      ],
      branches: [
        {
          branch: 'main',
          fronts: [
            { generation: 0, label: 'first', points: [{ x: 0.1, y: 5 }, { x: 0.2, y: 6 }] },
            { generation: 29, label: 'last', points: [{ x: 0.8, y: 1 }, { x: 0.9, y: 2 }] },
          ],
          hypervolume: [
            { generation: 0, value: 1 },
            { generation: 29, value: 4 },
          ],
        },
      ],
      note: 'fronts from the sidecars',
    }),
    lineage: present({
      branches: [
        {
          branch: 'main',
          root: 'ind-9',
          nodes: [
            { key: '2:ind-9', id: 'ind-9', generation: 2, score: 0.9, operator: 'crossover' },
            { key: '1:ind-5', id: 'ind-5', generation: 1, score: 0.6 },
            { key: '1:ind-6', id: 'ind-6', generation: 1, score: 0.7 },
            { key: '0:ind-1', id: 'ind-1', generation: 0, score: 0.2 },
          ],
          edges: [
            { from: '1:ind-5', to: '2:ind-9' },
            { from: '1:ind-6', to: '2:ind-9' },
            { from: '0:ind-1', to: '1:ind-5' },
            { from: '0:ind-1', to: '1:ind-6' },
          ],
          truncated: false,
        },
      ],
    }),
    diversity: present({ branches: [{ branch: 'main', points: [{ generation: 0, size: 20, distinct: 20, meanDistance: 1.5, sampledIndividuals: 20 }, { generation: 29, size: 20, distinct: 12, meanDistance: 0.5, sampledIndividuals: 20 }], totalGenerations: mainN }], sampling: '2 of 30 generations' }),
    generations: present([
      {
        branch: 'main',
        rows: [
          { generation: 0, time: '2026-01-01T00:00:00.000Z', size: 20, commit: commit(4), stats: { best: 1, mean: 0.5, median: 0.5, min: 0, max: 1 }, diff: null },
          { generation: 1, time: '2026-01-01T00:00:01.000Z', size: 20, commit: commit(5), stats: { best: 1.5, mean: 0.7, median: 0.6, min: 0.1, max: 1.5 }, diff: { best: 0.5, mean: 0.2, size: 0, individuals: { added: 3, removed: 3, changed: 2, unchanged: 15 } } },
        ],
        total: 2,
      },
    ]),
  }
}

/** The same store with every section absent, as for an empty store. */
export function emptyModel(reason = 'the store has no branches with saved generations yet'): ReportModel {
  const m = fullModel()
  return { ...m, store: { dir: '/tmp/x', branches: [], refs: [] }, primaryObjective: null, notes: [reason], trajectories: absent(reason), branchTree: absent(reason), comparison: absent(reason), pareto: absent(reason), lineage: absent(reason), diversity: absent(reason), generations: absent(reason) }
}
