import { sidecarJson } from '../model/sidecar-json.js'
import { randomBytes } from 'node:crypto'
import { keyOrderFor } from '../model/canonical-json.js'
import { assertExactJson, stringifyExact } from '../model/lossless-json.js'
import { choosePrimary, directionsFor, type ObjectivesConfig } from '../model/objectives.js'
import { paretoSummary } from '../model/pareto.js'
import type { NormalizedScores } from '../model/scores.js'
import { sidecarSchema, type Sidecar } from '../model/sidecar.js'
import { summarizeAll } from '../model/stats.js'

const SIDECAR_ORDER = keyOrderFor(sidecarSchema)

/** The sidecar fields a save derives from its scores and the objectives in force. */
export type ScoreFields = Pick<Sidecar, 'primary' | 'objectives' | 'stats' | 'scores' | 'failures' | 'pareto'>

/** Directions, statistics (with `best`), failures and, for two or more objectives, the Pareto summary. */
export function scoreFields(scored: NormalizedScores, config: ObjectivesConfig): ScoreFields {
  const names = Object.keys(scored.scores)
  const objectives = directionsFor(config, names)
  const declaredReference: Record<string, number | undefined> = {}
  for (const name of names) declaredReference[name] = config.objectives[name]?.reference
  return {
    primary: choosePrimary(names, config.primary),
    objectives,
    stats: summarizeAll(scored.scores, objectives),
    scores: scored.scores,
    failures: scored.failures,
    pareto: paretoSummary({ scores: scored.scores, directions: objectives, declaredReference }),
  }
}

/** Checks `meta` and renders it as exact JSON text (bigints and LosslessNumbers digit for digit, key order as given). */
export function metaText(meta: unknown): string {
  assertExactJson(meta, 'meta')
  return stringifyExact(meta, 2)
}

/**
 * The sidecar's canonical text. Everything but `meta` goes through the canonical writer; `meta`
 * is spliced in as the exact text the caller's value renders to, indented to its place, so
 * neither its key order nor its digits are touched.
 */
export function sidecarText(sidecar: Omit<Sidecar, 'meta'>, meta: string): string {
  const placeholder = `evogit-meta-${randomBytes(12).toString('hex')}`
  // The lineage, when recorded, goes one entry per line (see sidecarJson).
  const text = sidecarJson({ ...sidecar, meta: placeholder }, SIDECAR_ORDER)
  return text.replace(`"${placeholder}"`, () => meta.replace(/\n/g, '\n  '))
}
