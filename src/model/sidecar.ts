import * as z from 'zod'
import { generationLineageSchema } from './lineage.js'

/** Bumped when the sidecar layout changes incompatibly; readers refuse versions they do not know. */
export const SIDECAR_FORMAT_VERSION = 1

const objectiveStatsSchema = z.object({
  count: z.number().int().nonnegative(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  stdev: z.number().nullable(),
})

/**
 * The metadata sidecar written next to every generation (under `.evogit/meta/`, where the
 * original reader never looks). It holds what an engine needs to resume exactly.
 */
export const sidecarSchema = z.object({
  formatVersion: z.literal(SIDECAR_FORMAT_VERSION),
  generation: z.number().int().nonnegative(),
  /** ISO 8601 UTC, e.g. `2026-11-24T03:24:28.123Z`. */
  savedAt: z.iso.datetime(),
  populationSize: z.number().int().nonnegative(),
  /** Statistics per objective; a single `number[]` of scores is named `score`. */
  stats: z.record(z.string(), objectiveStatsSchema),
  /** The raw scores per objective, in population order, so a resumed engine need not re-evaluate. */
  scores: z.record(z.string(), z.array(z.number())),
  /** The generation saved before this one on the branch, and its commit; `null` for the first. */
  parent: z
    .object({
      generation: z.number().int().nonnegative().nullable(),
      commit: z.string().regex(/^[0-9a-f]{40}$/),
    })
    .nullable(),
  /** The caller's own JSON: settings, RNG seed or state, anything needed to resume. */
  meta: z.json(),
  /** Who descends from whom: one entry per individual, only when the save recorded lineage. */
  lineage: generationLineageSchema.optional(),
})

/** The parsed sidecar of one generation. */
export type Sidecar = z.infer<typeof sidecarSchema>

/** JSON values as `meta` accepts them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
