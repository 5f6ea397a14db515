import { fieldChanges } from '../../model/diff.js'
import { formatPath } from '../../model/canonical-json.js'
import type { Sidecar } from '../../model/sidecar.js'
import type { SettingsChange } from '../../report/model.js'

/** Keys of `meta` that change every generation by design and are not settings. */
const VOLATILE = /rng|random|state|^next/i

/**
 * The settings a branch changed at its fork: the difference between the `meta` saved at the fork
 * point and at the branch's first own generation. When `meta` has a `settings` object (as the
 * example's does) only that is compared; otherwise every key except RNG state and counters.
 */
export function settingsChanges(atFork: Sidecar | null, firstOwn: Sidecar | null, generation: number | null): SettingsChange[] {
  if (!atFork || !firstOwn) return []
  const pick = (meta: unknown): unknown => {
    if (!isRecord(meta)) return meta
    if (isRecord(meta['settings'])) return meta['settings']
    return Object.fromEntries(Object.entries(meta).filter(([k]) => !VOLATILE.test(k)))
  }
  return fieldChanges(pick(atFork.meta), pick(firstOwn.meta)).map((c) => ({ path: c.path.length === 0 ? 'meta' : formatPath(c.path), from: c.old, to: c.new, generation }))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
