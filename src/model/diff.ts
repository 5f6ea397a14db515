import { isDeepStrictEqual } from 'node:util'
import { cleanNumber } from './number-format.js'
import { better, type Direction } from './objectives.js'
import type { ObjectiveStats, ScoreStats } from './stats.js'

/** One changed field: its path inside the individual, the old and the new value. */
export interface FieldChange {
  path: (string | number)[]
  old: unknown
  new: unknown
}

/** Individuals added, removed and changed between two populations. */
export interface IndividualsDiff<T> {
  key: string
  added: { key: string; individual: T }[]
  removed: { key: string; individual: T }[]
  changed: { key: string; fields: FieldChange[] }[]
  unchanged: number
}

/** The key used when individuals have no usable key field: their position in the population. */
export const INDEX_KEY = 'index'

/**
 * Picks the field that identifies an individual across generations: `id` when every individual
 * has one, else `name`, else the position. Explicit keys from the caller always win.
 */
export function chooseKey(populations: readonly (readonly unknown[])[], declared: readonly string[] = []): string {
  const everyoneHas = (candidate: string) =>
    populations.some((pop) => pop.length > 0) && populations.every((pop) => pop.every((ind) => typeof ind === 'object' && ind !== null && candidate in ind))
  for (const candidate of ['id', 'name']) {
    if (declared.includes(candidate) || everyoneHas(candidate)) return candidate
  }
  return INDEX_KEY
}

function keysOf(population: readonly unknown[], key: string): string[] {
  const seen = new Map<string, number>()
  return population.map((ind, i) => {
    const raw = key === INDEX_KEY ? i : (ind as Record<string, unknown> | null)?.[key]
    const base = raw === undefined || raw === null ? `#${i}` : typeof raw === 'string' ? raw : JSON.stringify(raw)
    // Duplicate keys get an occurrence suffix so each individual is still matched one-to-one.
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base} (${n})`
  })
}

/** Field-level changes between two values: plain objects are compared member by member, anything else as a whole. */
export function fieldChanges(before: unknown, after: unknown, path: (string | number)[] = []): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const out: FieldChange[] = []
    const keys = new Set([...Object.keys(before), ...Object.keys(after)])
    for (const k of keys) out.push(...fieldChanges(before[k], after[k], [...path, k]))
    return out
  }
  return isDeepStrictEqual(before, after) ? [] : [{ path, old: before, new: after }]
}

/** Matches individuals by `key` and reports what was added, removed and changed. */
export function diffIndividuals<T>(from: readonly T[], to: readonly T[], key: string): IndividualsDiff<T> {
  const fromKeys = keysOf(from, key)
  const toKeys = keysOf(to, key)
  const before = new Map(fromKeys.map((k, i) => [k, from[i]!]))
  const after = new Map(toKeys.map((k, i) => [k, to[i]!]))
  const out: IndividualsDiff<T> = { key, added: [], removed: [], changed: [], unchanged: 0 }
  for (const [k, individual] of after) if (!before.has(k)) out.added.push({ key: k, individual })
  for (const [k, individual] of before) {
    const next = after.get(k)
    if (next === undefined && !after.has(k)) {
      out.removed.push({ key: k, individual })
      continue
    }
    const fields = fieldChanges(individual, next)
    if (fields.length === 0) out.unchanged++
    else out.changed.push({ key: k, fields })
  }
  return out
}

/** The statistics a diff subtracts. */
export type NumericStat = Exclude<keyof ObjectiveStats, 'direction'>

/**
 * Per objective: each side's statistics, the change in each statistic (`to - from`), the
 * direction (the newer side's), and whether `best` improved in that direction (`null` when a
 * side has no best).
 */
export type StatsDiff = Record<
  string,
  { from: ObjectiveStats | null; to: ObjectiveStats | null; direction: Direction; improved: boolean | null; delta: Partial<Record<NumericStat, number>> }
>

/** Compares score statistics of two generations. */
export function diffStats(from: ScoreStats | null, to: ScoreStats | null): StatsDiff {
  const out: StatsDiff = {}
  const names = new Set([...Object.keys(from ?? {}), ...Object.keys(to ?? {})])
  for (const name of [...names].sort()) {
    const a = from?.[name] ?? null
    const b = to?.[name] ?? null
    const delta: Partial<Record<NumericStat, number>> = {}
    const direction = b?.direction ?? a?.direction ?? 'max'
    if (a && b) {
      for (const field of ['count', 'failed', 'best', 'min', 'max', 'mean', 'median', 'stdev'] as const) {
        const x = a[field]
        const y = b[field]
        // Rounded like every other derived number, so `0.3 - 0.1` shows as 0.2.
        if (x !== null && y !== null) delta[field] = cleanNumber(y - x)
      }
    }
    const improved = a?.best != null && b?.best != null ? better(b.best, a.best, direction) : null
    out[name] = { from: a, to: b, direction, improved, delta }
  }
  return out
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
