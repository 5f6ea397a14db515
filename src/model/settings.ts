import { isDeepStrictEqual } from 'node:util'
import { InvalidOverrideError } from '../errors/index.js'
import { isLosslessNumber, stringifyExact } from './lossless-json.js'
import type { JsonValue } from './sidecar.js'

/**
 * The settings of a run are the `settings` object inside a generation's `meta` (the convention
 * that resume overrides, the `Settings-Changed` trailer and `compare` share). Everything else in
 * `meta` (RNG state, counters) is run state, which changes every generation by design.
 */
export const SETTINGS_KEY = 'settings'

/** One setting whose value differs: its dotted path inside the settings, the old and the new value. */
export interface SettingChange {
  key: string
  from: JsonValue | undefined
  to: JsonValue | undefined
}

/** What resuming with overrides runs with. */
export interface EffectiveSettings {
  /** The settings saved with the generation resumed from, or `null` when it saved none. */
  saved: Record<string, JsonValue> | null
  /** `saved` with the overrides applied: save these in the next generation's `meta.settings`. */
  effective: Record<string, JsonValue> | null
  /** The settings the overrides really changed; an override equal to the saved value is not listed. */
  changed: SettingChange[]
}

/** The `settings` object of a `meta`, or `null` when there is none. */
export function settingsOf(meta: unknown): Record<string, JsonValue> | null {
  if (!isObject(meta)) return null
  const settings = meta[SETTINGS_KEY]
  return isObject(settings) ? settings : null
}

/**
 * Applies resume overrides to saved settings, under one rule: an override may only change a
 * setting that was saved, to a value of the same JSON type, and never one the engine declared
 * `locked` (such as the population size, when the engine cannot change it mid-run). An override
 * equal to the saved value changes nothing and is fine. Nested settings are addressed with
 * dotted keys (`selection.tournament`).
 *
 * @throws InvalidOverrideError (`E_INVALID_OVERRIDE`) naming the key and why.
 *
 * @example
 * ```ts
 * applyOverrides({ saved: { mutationRate: 0.2, seed: 7 }, overrides: { mutationRate: 0.9 } })
 * // { saved: {...}, effective: { mutationRate: 0.9, seed: 7 }, changed: [{ key: 'mutationRate', from: 0.2, to: 0.9 }] }
 * ```
 */
export function applyOverrides(options: { saved: Record<string, JsonValue> | null; overrides?: Readonly<Record<string, JsonValue | undefined>>; locked?: readonly string[] }): EffectiveSettings {
  const { saved } = options
  const entries = Object.entries(options.overrides ?? {}).filter((e): e is [string, JsonValue] => e[1] !== undefined)
  if (saved === null) {
    if (entries.length > 0) {
      const [key] = entries[0]!
      throw new InvalidOverrideError(`cannot override ${key}: the generation resumed from saved no settings (meta.${SETTINGS_KEY})`, { key, reason: 'no-settings' })
    }
    return { saved: null, effective: null, changed: [] }
  }
  const effective = structuredClone(saved)
  const locked = new Set(options.locked ?? [])
  for (const [key, value] of entries) {
    const path = key.split('.')
    const parent = path.slice(0, -1).reduce<JsonValue | undefined>((node, part) => (isObject(node) ? node[part] : undefined), effective)
    const leaf = path.at(-1)!
    if (!isObject(parent) || !(leaf in parent)) {
      throw new InvalidOverrideError(`cannot override ${key}: it is not one of the saved settings (${Object.keys(saved).join(', ')})`, { key, reason: 'unknown-setting', received: value })
    }
    const before = parent[leaf]!
    if (sameJson(before, value)) continue
    if (jsonType(before) !== jsonType(value)) {
      throw new InvalidOverrideError(`cannot override ${key}: the saved value is a ${jsonType(before)} (${stringifyExact(before)}), the override a ${jsonType(value)} (${stringifyExact(value)})`, {
        key,
        reason: 'type-mismatch',
        saved: before,
        received: value,
      })
    }
    if (locked.has(key) || path.some((_, i) => locked.has(path.slice(0, i + 1).join('.')))) {
      throw new InvalidOverrideError(`cannot override ${key} mid-run (${stringifyExact(before)} → ${stringifyExact(value)}): the engine does not support changing it; start a new run instead`, {
        key,
        reason: 'locked',
        saved: before,
        received: value,
      })
    }
    parent[leaf] = value
  }
  return { saved, effective, changed: settingChanges(saved, effective) }
}

/**
 * The settings that differ between two `settings` objects, as sorted dotted leaf paths. Arrays
 * are compared as whole values. `null` on either side means "no settings": nothing to compare.
 *
 * @example
 * ```ts
 * settingChanges({ mutationRate: 0.2 }, { mutationRate: 0.9 }) // [{ key: 'mutationRate', from: 0.2, to: 0.9 }]
 * ```
 */
export function settingChanges(before: Record<string, JsonValue> | null, after: Record<string, JsonValue> | null): SettingChange[] {
  if (before === null || after === null) return []
  const a = flattenJson(before)
  const b = flattenJson(after)
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort()
  return keys.filter((k) => !isDeepStrictEqual(a.get(k), b.get(k))).map((key) => ({ key, from: a.get(key), to: b.get(key) }))
}

/**
 * Leaf values of a JSON value by dotted path (`settings.mutationRate`); arrays are leaves.
 * An empty object is a leaf too, so that it still shows up as a value.
 */
export function flattenJson(value: JsonValue, prefix = ''): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>()
  const visit = (node: JsonValue, path: string) => {
    if (isObject(node) && Object.keys(node).length > 0) {
      for (const [k, v] of Object.entries(node)) visit(v, path === '' ? k : `${path}.${k}`)
    } else if (path !== '') out.set(path, node)
  }
  visit(value, prefix)
  return out
}

/** `Settings-Changed` trailer values: `mutationRate 0.2→0.9`, one per changed setting. */
export function formatSettingChange(change: SettingChange, max = 120): string {
  const show = (v: JsonValue | undefined) => {
    // Exact: a 64-bit seed is a `bigint`, which JSON.stringify refuses (that crashed the save).
    const text = v === undefined ? '(absent)' : stringifyExact(v)
    // A trailer is one line: long values are cut, the full values are in the sidecars.
    return text.length > max ? `${text.slice(0, max - 1)}…` : text
  }
  return `${change.key} ${show(change.from)}→${show(change.to)}`
}

/**
 * The JSON type of a value. Settings read back from a sidecar are parsed exactly, so a 64-bit
 * seed is a `bigint` (and a number beyond double precision a LosslessNumber): in JSON they are
 * numbers like any other, and overriding one with a smaller seed is no change of type.
 */
function jsonType(v: JsonValue): string {
  const value: unknown = v
  if (typeof value === 'bigint' || isLosslessNumber(value)) return 'number'
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}

/**
 * Equal as JSON: numbers by their exact digits, whichever way each was parsed (`7n` is `7`,
 * also inside objects and arrays written in the same key order).
 */
function sameJson(a: JsonValue, b: JsonValue): boolean {
  return isDeepStrictEqual(a, b) || (jsonType(a) === jsonType(b) && stringifyExact(a) === stringifyExact(b))
}

function isObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
