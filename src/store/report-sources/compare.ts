import type { BranchNode, ComparisonData, TrajectoriesData } from '../../report/model.js'

/**
 * The comparison table. Until the store has `compare()`, each branch gets one row summarising
 * what the report already read: where it forked, how far it got, its best and its last values.
 */
export function comparisonRows(nodes: readonly BranchNode[], trajectories: TrajectoriesData | null, primary: string | null): ComparisonData {
  const columns = ['branch', 'forked from', 'fork generation', 'generations', 'latest generation', 'best', 'best at generation', 'last best', 'last mean', 'settings changed']
  const rows = nodes.map((n) => {
    const points = primary ? (trajectories?.branches.find((b) => b.branch === n.name)?.points[primary] ?? []) : []
    const last = points.at(-1)
    return {
      branch: n.name,
      'forked from': n.forkedFrom?.branch ?? null,
      'fork generation': n.forkedFrom?.generation ?? null,
      generations: n.generations,
      'latest generation': n.latestGeneration,
      best: n.best?.value ?? null,
      'best at generation': n.best?.generation ?? null,
      'last best': last?.best ?? null,
      'last mean': last?.mean ?? null,
      'settings changed': n.settingsChanges.length === 0 ? null : n.settingsChanges.map((c) => c.path).join(', '),
    }
  })
  return { columns, rows, source: 'summary' }
}
