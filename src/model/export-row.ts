import { bestOf } from './objective-direction.js'
import type { ObjectiveStats, ScoreStats } from './stats.js'

/** One tidy row: flat, with scalar cells only, so CSV, JSON lines and pandas all take it as is. */
export type ExportRow = Record<string, string | number | boolean | null>

/** The columns every individual row starts with. */
export const INDIVIDUAL_COLUMNS = ['branch', 'commit', 'generation', 'index'] as const
/** The columns every generation row starts with. */
export const GENERATION_COLUMNS = ['branch', 'commit', 'generation', 'time', 'populationSize'] as const
/** Per objective, the statistics a generation row carries as `<objective>.<stat>`. */
export const STAT_COLUMNS = ['best', 'count', 'min', 'max', 'mean', 'median', 'stdev'] as const

/**
 * The value at a dotted path inside an individual (`personality_traits.openness`), as a cell:
 * scalars as they are, arrays and objects as JSON text, missing as `null`.
 */
export function fieldCell(individual: unknown, path: string): string | number | boolean | null {
  let node: unknown = individual
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return null
    node = (node as Record<string, unknown>)[part]
  }
  if (node === undefined || node === null) return null
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return node
  return JSON.stringify(node)
}

/** The leaf paths of an individual, as default export fields: nested objects flattened, arrays kept whole. */
export function leafPaths(individual: unknown): string[] {
  const out: string[] = []
  const visit = (node: unknown, path: string) => {
    if (typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length > 0) {
      for (const [k, v] of Object.entries(node)) visit(v, path === '' ? k : `${path}.${k}`)
    } else if (path !== '') out.push(path)
  }
  visit(individual, '')
  return out
}

/**
 * The column name of each selected field: the path itself, unless it collides with a fixed
 * column or an objective, in which case it is `individual.<path>` so no value hides another.
 */
export function fieldColumns(fields: readonly string[], taken: readonly string[]): string[] {
  const reserved = new Set(taken)
  return fields.map((f) => (reserved.has(f) ? `individual.${f}` : f))
}

/** A generation row's statistics cells: `<objective>.<stat>` for each objective named. */
export function statCells(stats: ScoreStats, objectives: readonly string[]): ExportRow {
  const out: ExportRow = {}
  for (const name of objectives) {
    const s: ObjectiveStats | undefined = stats[name]
    for (const stat of STAT_COLUMNS) out[`${name}.${stat}`] = s ? (stat === 'best' ? bestOf(s) : s[stat]) : null
  }
  return out
}
