import type { Direction } from './objective-direction.js'
import { resolveMetaKey, SETTINGS_PREFIX, type Comparison } from './compare.js'
import { stringifyExact } from './lossless-json.js'
import type { JsonValue } from './sidecar.js'

/** Mean and sample standard deviation (n − 1) of one column over a group; `null` where undefined. */
export interface Spread {
  mean: number | null
  stdev: number | null
  /** How many rows had a value. */
  n: number
}

/** Rows that differ only in the grouping key, aggregated. */
export interface CompareGroup {
  /** The meta column grouped by, e.g. `meta.settings.seed`. */
  key: string
  /** That key's value in each member, in member order. */
  values: JsonValue[]
  /** Row names. */
  members: string[]
  /** The values the members share in every other differing setting. */
  shared: Record<string, JsonValue>
  latestGeneration: Spread
  objectives: Record<string, { direction: Direction; best: Spread; latestBest: Spread; latestMean: Spread }>
  /** Over the members that reached the target; absent without a target. */
  targetGeneration?: Spread
}

/**
 * Groups comparison rows that differ only in `key` (say `meta.seed`, resolved as in
 * {@link resolveMetaKey}) and aggregates each column into mean ± stdev, the spread over seeds.
 * "Differ only in" looks at the settings (`meta.settings.*`) when the rows record settings,
 * since run state such as an RNG state differs between any two runs; otherwise at every
 * differing meta key. Groups keep the order of their first member.
 *
 * @throws InvalidArgumentError when `key` names no meta column.
 *
 * @example
 * ```ts
 * groupComparison(comparison, 'meta.seed').map((g) => [g.members, g.objectives.score?.best.mean])
 * ```
 */
export function groupComparison(comparison: Comparison, wanted: string): CompareGroup[] {
  const key = resolveMetaKey(comparison.metaKeys, wanted, 'groupBy')
  const settingKeys = comparison.metaKeys.filter((k) => k.startsWith(SETTINGS_PREFIX))
  const identityKeys = (settingKeys.length > 0 || key.startsWith(SETTINGS_PREFIX) ? settingKeys : comparison.metaKeys).filter((k) => k !== key)
  const groups = new Map<string, CompareGroup & { rows: Comparison['rows'] }>()
  for (const row of comparison.rows) {
    // Exact: settings hold bigints (64-bit seeds), which JSON.stringify refuses.
    const identity = stringifyExact(identityKeys.map((k) => row.meta[k] ?? null))
    let group = groups.get(identity)
    if (!group) {
      group = {
        key,
        values: [],
        members: [],
        shared: Object.fromEntries(identityKeys.map((k) => [k, row.meta[k] ?? null])),
        latestGeneration: spread([]),
        objectives: {},
        rows: [],
      }
      groups.set(identity, group)
    }
    group.values.push(row.meta[key] ?? null)
    group.members.push(row.name)
    group.rows.push(row)
  }
  return [...groups.values()].map(({ rows, ...group }) => {
    group.latestGeneration = spread(rows.map((r) => r.latestGeneration))
    for (const name of comparison.objectives) {
      const present = rows.map((r) => r.objectives[name]).filter((o) => o !== undefined)
      if (present.length === 0) continue
      group.objectives[name] = {
        direction: present[0]!.direction,
        best: spread(present.map((o) => o.best)),
        latestBest: spread(present.map((o) => o.latestBest)),
        latestMean: spread(present.map((o) => o.latestMean)),
      }
    }
    if (comparison.target) group.targetGeneration = spread(rows.map((r) => r.targetGeneration ?? null))
    return group
  })
}

/** Mean and sample standard deviation of the non-null values. */
export function spread(values: readonly (number | null)[]): Spread {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v))
  const n = known.length
  if (n === 0) return { mean: null, stdev: null, n }
  const mean = known.reduce((s, v) => s + v, 0) / n
  const stdev = n < 2 ? null : Math.sqrt(known.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1))
  return { mean, stdev, n }
}
