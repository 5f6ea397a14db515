import { isDeepStrictEqual } from 'node:util'
import { InvalidArgumentError } from '../errors/index.js'
import { bestOf, directionOf, isBetter, type Direction } from './objective-direction.js'
import { isLosslessNumber, numberOfDigits, stringifyExact } from './lossless-json.js'
import { flattenJson, SETTINGS_KEY } from './settings.js'
import type { JsonValue } from './sidecar.js'
import type { ScoreStats } from './stats.js'

/** What kind of ref a compared row is. */
export type RowKind = 'branch' | 'tag' | 'archive' | 'remote' | 'commit'

/** One generation on a row's line, as its commit trailers describe it. */
export interface GenerationPoint {
  generation: number
  populationSize: number | null
  stats: ScoreStats
}

/** What the store hands the pure comparison for one row: read from trailers and one sidecar. */
export interface CompareSource {
  name: string
  kind: RowKind
  commit: string
  forkedFrom: { branch: string; generation: number | null; commit: string } | null
  /** One point per generation on the line (the newest version of each), in any order. */
  points: readonly GenerationPoint[]
  /** The `meta` of the latest generation, or `null` when it has none. */
  meta: JsonValue
}

/** A first generation to look for: `cost<=0.1` is reached when some individual's cost is at most 0.1. */
export interface CompareTarget {
  objective: string
  op: '<=' | '<' | '>=' | '>'
  value: number
  /** As the user wrote it. */
  text: string
}

/** One objective of one row. Every "best" respects the objective's direction. */
export interface ObjectiveSummary {
  direction: Direction
  /** The best value over the row's whole line, and the generation that first reached it. */
  best: number | null
  bestGeneration: number | null
  /** The best and the mean of the latest generation. */
  latestBest: number | null
  latestMean: number | null
}

/** One row of a comparison: a branch, tag, archived tip, remote branch or commit. */
export interface CompareRow {
  name: string
  kind: RowKind
  /** The tip commit compared. */
  commit: string
  /** Where the row forked, and which row (if any is compared) it forked from. */
  forkedFrom: { row: string | null; branch: string; generation: number | null; commit: string } | null
  latestGeneration: number | null
  /** Population size of the latest generation. */
  populationSize: number | null
  /** How many generations the line has. */
  generations: number
  objectives: Record<string, ObjectiveSummary>
  /** The first generation reaching the target, `null` when never; absent without a target. */
  targetGeneration?: number | null
  /** The shown `meta.<path>` keys of the latest generation (absent keys are `null`). */
  meta: Record<string, JsonValue>
}

/** The whole comparison: rows plus the column sets, for tables, JSON, CSV and Markdown alike. */
export interface Comparison {
  rows: CompareRow[]
  /** Objective names, sorted. */
  objectives: string[]
  /** The meta columns shown: the keys that differ between rows, or all with `allMeta`. */
  metaKeys: string[]
  target: CompareTarget | null
}

/**
 * Parses `--target cost<=0.1` (also `<`, `>=`, `>`).
 * @throws InvalidArgumentError naming the parameter when it does not parse.
 */
export function parseTarget(text: string): CompareTarget {
  const match = /^\s*([^<>=\s]+)\s*(<=|>=|<|>)\s*(\S+)\s*$/.exec(text)
  const value = match ? Number(match[3]) : NaN
  if (!match || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`\`target\` must look like objective<=value (or <, >=, >), received ${JSON.stringify(text)}`, {
      parameter: 'target',
      expected: 'objective<=number',
      received: text,
    })
  }
  return { objective: match[1]!, op: match[2] as CompareTarget['op'], value, text: text.trim() }
}

/** True when a generation's statistics show some individual reaching the target. */
export function reachesTarget(stats: ScoreStats, target: CompareTarget): boolean {
  const s = stats[target.objective]
  if (!s) return false
  // Direction does not matter here: "cost <= 0.1" asks whether the smallest cost got there.
  const extreme = target.op.startsWith('<') ? s.min : s.max
  if (extreme === null) return false
  switch (target.op) {
    case '<=':
      return extreme <= target.value
    case '<':
      return extreme < target.value
    case '>=':
      return extreme >= target.value
    case '>':
      return extreme > target.value
  }
}

/** The `meta.<path>` leaves of a meta value, as compare names its columns. */
export function metaColumns(meta: JsonValue): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>()
  for (const [k, v] of flattenJson(meta)) out.set(`meta.${k}`, v)
  if (out.size === 0 && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) out.set('meta', meta)
  return out
}

/** The settings prefix of meta columns: `meta.settings.` (see {@link SETTINGS_KEY}). */
export const SETTINGS_PREFIX = `meta.${SETTINGS_KEY}.`

/**
 * Builds the comparison table from per-row sources: best ever (and when), latest best and
 * mean per objective, all direction-respecting; the first generation reaching `target`; the
 * meta keys that differ between rows (all of them with `allMeta`). Rows keep their given order
 * unless `sortBy` names an objective (best first), a meta key, or `name`, `latestGeneration`,
 * `generations`, `target`.
 *
 * @example
 * ```ts
 * buildComparison({ sources, target: parseTarget('cost<=0.1'), sortBy: 'score' }).rows[0]!.name
 * ```
 */
export function buildComparison(options: { sources: readonly CompareSource[]; target?: CompareTarget | null; allMeta?: boolean; sortBy?: string }): Comparison {
  const { sources, target = null, allMeta = false } = options
  const names = new Set(sources.map((s) => s.name))
  const metas = sources.map((s) => metaColumns(s.meta))
  const allKeys = [...new Set(metas.flatMap((m) => [...m.keys()]))].sort()
  const metaKeys = allMeta ? allKeys : allKeys.filter((k) => metas.some((m) => !isDeepStrictEqual(m.get(k), metas[0]!.get(k))))
  const objectiveNames = new Set<string>()
  const rows = sources.map((source, i): CompareRow => {
    const points = [...source.points].sort((a, b) => a.generation - b.generation)
    const latest = points.at(-1) ?? null
    const objectives: Record<string, ObjectiveSummary> = {}
    for (const point of points) {
      for (const [name, stats] of Object.entries(point.stats)) {
        objectiveNames.add(name)
        const summary = (objectives[name] ??= { direction: directionOf(latest?.stats[name] ?? stats), best: null, bestGeneration: null, latestBest: null, latestMean: null })
        const best = bestOf(stats, summary.direction)
        if (isBetter(best, summary.best, summary.direction)) {
          summary.best = best
          summary.bestGeneration = point.generation
        }
      }
    }
    for (const [name, summary] of Object.entries(objectives)) {
      const stats = latest?.stats[name]
      summary.latestBest = bestOf(stats, summary.direction)
      summary.latestMean = stats?.mean ?? null
    }
    const fork = source.forkedFrom
    const meta: Record<string, JsonValue> = {}
    for (const key of metaKeys) meta[key] = metas[i]!.get(key) ?? null
    return {
      name: source.name,
      kind: source.kind,
      commit: source.commit,
      forkedFrom: fork ? { row: names.has(fork.branch) && fork.branch !== source.name ? fork.branch : null, ...fork } : null,
      latestGeneration: latest?.generation ?? null,
      populationSize: latest?.populationSize ?? null,
      generations: points.length,
      objectives,
      ...(target ? { targetGeneration: points.find((p) => reachesTarget(p.stats, target))?.generation ?? null } : {}),
      meta,
    }
  })
  const comparison: Comparison = { rows, objectives: [...objectiveNames].sort(), metaKeys, target }
  if (options.sortBy !== undefined) comparison.rows = sortRows(comparison, options.sortBy)
  return comparison
}

/**
 * Rows ordered by a column: an objective (best first, by its direction), `meta.<key>`, `name`,
 * `latestGeneration`, `generations` or `target` (earliest first). Rows without a value go last.
 * @throws InvalidArgumentError when `sortBy` names no column.
 */
export function sortRows(comparison: Comparison, sortBy: string): CompareRow[] {
  const key = (row: CompareRow): number | bigint | string | null => {
    if (comparison.objectives.includes(sortBy)) {
      const o = row.objectives[sortBy]
      if (!o || o.best === null) return null
      return o.direction === 'min' ? o.best : -o.best
    }
    if (sortBy === 'name') return row.name
    if (sortBy === 'latestGeneration') return row.latestGeneration
    if (sortBy === 'generations') return row.generations
    if (sortBy === 'target') return row.targetGeneration ?? null
    const metaKey = resolveMetaKey(comparison.metaKeys, sortBy, 'sortBy')
    return metaSortKey(row.meta[metaKey])
  }
  const keyed = comparison.rows.map((row, i) => ({ row, i, k: key(row) }))
  keyed.sort((a, b) => {
    if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1
    if (a.k < b.k) return -1
    if (a.k > b.k) return 1
    return a.i - b.i
  })
  return keyed.map((k) => k.row)
}

/**
 * A meta value as a sort key, numbers by value however they arrive: a double, a bigint (a
 * 64-bit seed in exactly parsed meta), or the digit string `store.compare` makes of a number no
 * double holds, which sorted as text put 10000000000000000000 before 9223372036854775813.
 */
function metaSortKey(v: unknown): number | bigint | string | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'number' || typeof v === 'bigint') return v
  if (isLosslessNumber(v)) return numberOfDigits(v.value)
  if (typeof v === 'string') return numberOfDigits(v) ?? v
  // Objects and arrays by their JSON text (exact: JSON.stringify refuses a bigint inside).
  return stringifyExact(v)
}

/**
 * Finds the meta column a user means: the exact key (`meta.settings.seed`), the key with
 * `meta.` added, or the one key ending in `.seed` when `meta.seed` is not a column itself.
 * @throws InvalidArgumentError listing the candidates when none or several match.
 */
export function resolveMetaKey(keys: readonly string[], wanted: string, parameter: string): string {
  const exact = [wanted, `meta.${wanted}`].find((k) => keys.includes(k))
  if (exact) return exact
  const leaf = wanted.replace(/^meta\./, '')
  const candidates = keys.filter((k) => k.endsWith(`.${leaf}`))
  if (candidates.length === 1) return candidates[0]!
  throw new InvalidArgumentError(
    candidates.length === 0
      ? `\`${parameter}\` names no column: ${JSON.stringify(wanted)} is not an objective or a meta key (meta keys: ${keys.join(', ') || 'none'})`
      : `\`${parameter}\` ${JSON.stringify(wanted)} is ambiguous: ${candidates.join(', ')}`,
    { parameter, expected: 'an objective or a meta key', received: wanted },
  )
}
