import { createHash } from 'node:crypto'
import { canonicalJson } from '../model/canonical-json.js'
import type { DiversityPoint } from './model.js'
import { evenSample } from './thin.js'

/** Pairwise distances are computed on at most this many individuals of a generation. */
export const MAX_DIVERSITY_INDIVIDUALS = 64

/** Numeric leaves of a JSON value, keyed by their path. */
function numericLeaves(value: unknown, path: string, out: Map<string, number>): void {
  if (typeof value === 'number' && Number.isFinite(value)) out.set(path, value)
  else if (Array.isArray(value)) value.forEach((v, i) => numericLeaves(v, `${path}[${i}]`, out))
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) numericLeaves(v, `${path}.${k}`, out)
}

/**
 * Diversity of one population: how many individuals differ by content (a hash of canonical
 * JSON, so key order does not count), and the mean pairwise Euclidean distance over the numeric
 * fields every sampled individual has. A missing numeric field is not a distance.
 */
export function diversityOf(generation: number, population: readonly unknown[], maxIndividuals = MAX_DIVERSITY_INDIVIDUALS): DiversityPoint {
  const hashes = new Set(population.map((ind) => createHash('sha1').update(canonicalJson(ind)).digest('hex')))
  const sample = evenSample(population.length, maxIndividuals).map((i) => population[i])
  const leaves = sample.map((ind) => {
    const m = new Map<string, number>()
    numericLeaves(ind, '', m)
    return m
  })
  const shared = leaves.length === 0 ? [] : [...leaves[0]!.keys()].filter((k) => leaves.every((m) => m.has(k)))
  let meanDistance: number | null = null
  if (shared.length > 0 && sample.length >= 2) {
    const vectors = leaves.map((m) => shared.map((k) => m.get(k)!))
    let sum = 0
    let pairs = 0
    for (let i = 0; i < vectors.length; i++) {
      for (let j = i + 1; j < vectors.length; j++) {
        let sq = 0
        for (let k = 0; k < shared.length; k++) sq += (vectors[i]![k]! - vectors[j]![k]!) ** 2
        sum += Math.sqrt(sq)
        pairs++
      }
    }
    meanDistance = sum / pairs
  }
  return { generation, size: population.length, distinct: hashes.size, meanDistance, sampledIndividuals: sample.length }
}
