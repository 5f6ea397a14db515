import type { ComparisonData } from '../../report/model.js'
import type { CompareResult } from '../compare.js'

/**
 * The comparison table: `store.compare()`'s rows (what `evogit compare` prints), flattened into
 * columns: the row and where it forked, how far it got, per objective the best ever (and when)
 * and the latest best and mean in its direction, and the meta keys whose values differ.
 */
export function comparisonRows(result: CompareResult): ComparisonData {
  const perObjective = result.objectives.flatMap((o) => {
    const d = result.rows.find((r) => r.objectives[o])?.objectives[o]?.direction
    const label = d ? `${o} (${d})` : o
    return [
      [`${label} best`, o, 'best'],
      [`${label} best at generation`, o, 'bestGeneration'],
      [`${label} latest best`, o, 'latestBest'],
      [`${label} latest mean`, o, 'latestMean'],
    ] as const
  })
  const columns = ['name', 'kind', 'forked from', 'fork generation', 'generations', 'latest generation', 'population size', ...perObjective.map((c) => c[0]), ...result.metaKeys]
  const rows = result.rows.map((r) => {
    const row: ComparisonData['rows'][number] = {
      name: r.name,
      kind: r.kind,
      'forked from': r.forkedFrom?.branch ?? null,
      'fork generation': r.forkedFrom?.generation ?? null,
      generations: r.generations,
      'latest generation': r.latestGeneration,
      'population size': r.populationSize,
    }
    for (const [column, o, field] of perObjective) row[column] = r.objectives[o]?.[field] ?? null
    for (const key of result.metaKeys) {
      const v = r.meta[key]
      row[key] = v === undefined || v === null ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v)
    }
    return row
  })
  return { columns, rows, source: 'compare' }
}
