import * as z from 'zod'
import type { ExactJsonValue } from './lossless-json.js'
import { choosePrimary, DEFAULT_DIRECTION, type Direction } from './objectives.js'
import { paretoSummary } from './pareto.js'
import { upgradeStats } from './stats.js'
import { generationLineageSchema } from './lineage.js'

/**
 * The sidecar layout this version writes. Version 2 added directions, `best`, failed
 * evaluations and Pareto fronts; version 1 sidecars are upgraded on read
 * ({@link upgradeSidecar}). Readers refuse versions they do not know.
 */
export const SIDECAR_FORMAT_VERSION = 2

const direction = z.enum(['max', 'min'])

const objectiveStatsSchema = z.object({
  direction,
  count: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  best: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  stdev: z.number().nullable(),
})

const failureSchema = z.object({
  index: z.number().int().nonnegative(),
  /** What the score was: `null`, or `NaN`/`Infinity`/`-Infinity` written as text (JSON has none of them). */
  raw: z.enum(['NaN', 'Infinity', '-Infinity']).nullable(),
})

const paretoSchema = z.object({
  objectives: z.array(z.string()),
  front: z.array(z.number().int().nonnegative()),
  ranks: z.array(z.number().int().nonnegative().nullable()),
  hypervolume: z.number().nullable(),
  reference: z.object({ point: z.record(z.string(), z.number()), source: z.enum(['declared', 'worst-seen', 'mixed', 'given']) }).nullable(),
})

/** `meta` is the caller's JSON, kept exactly: bigint and LosslessNumber values are part of it. */
const exactJson = z.custom<ExactJsonValue>(() => true)

/** Where a generation committed verbatim came from; `savedAt` is when evogit committed it. */
export const sidecarSourceSchema = z.object({
  /** The file's name, e.g. `gen_3.json` (never a path: pushes would publish the writer's layout). */
  file: z.string(),
  /** The file's own modification time when it was read, ISO 8601 UTC. */
  modifiedAt: z.iso.datetime(),
  /** The operation that committed it. */
  via: z.enum(['import', 'adopt', 'add', 'watch']),
  /** Companion files of the original engine committed with it (`transcripts_gen_<n>.json`, …). */
  companions: z.array(z.string()),
})

/**
 * The metadata sidecar written next to every generation (under `.evogit/meta/`, where the
 * original reader never looks). It holds what an engine needs to resume exactly. New optional
 * fields can join it without a version bump; readers of this version drop fields they do not know.
 */
export const sidecarSchema = z.object({
  formatVersion: z.literal(SIDECAR_FORMAT_VERSION),
  generation: z.number().int().nonnegative(),
  /** ISO 8601 UTC, e.g. `2026-11-24T03:24:28.123Z`. */
  savedAt: z.iso.datetime(),
  populationSize: z.number().int().nonnegative(),
  /** The objective that headlines this generation (commit subject, `log`), or `null` without scores. */
  primary: z.string().nullable(),
  /** The direction of every objective scored, as it was when this generation was saved. */
  objectives: z.record(z.string(), direction),
  /** Statistics per objective, over the evaluated individuals; a single `number[]` of scores is named `score`. */
  stats: z.record(z.string(), objectiveStatsSchema),
  /** The raw scores per objective, in population order; `null` marks a failed evaluation (see `failures`). */
  scores: z.record(z.string(), z.array(z.number().nullable())),
  /** Per objective, the failed evaluations and what their score was, so an engine can re-evaluate them. */
  failures: z.record(z.string(), z.array(failureSchema)),
  /** Fronts and hypervolume when two or more objectives were scored, else `null`. */
  pareto: paretoSchema.nullable(),
  /** The generation saved before this one on the branch, and its commit; `null` for the first. */
  parent: z
    .object({
      generation: z.number().int().nonnegative().nullable(),
      commit: z.string().regex(/^[0-9a-f]{40}$/),
    })
    .nullable(),
  /** The caller's own JSON: settings, RNG seed or state, anything needed to resume; digits kept exactly. */
  meta: exactJson,
  /** Set when another program wrote the file and evogit committed its bytes as they were (import, adopt, add, watch). */
  source: sidecarSourceSchema.optional(),
  /** Who descends from whom: one entry per individual, only when the save recorded lineage. */
  lineage: generationLineageSchema.optional(),
})

/** The parsed sidecar of one generation. */
export type Sidecar = z.infer<typeof sidecarSchema>

/** JSON values as `meta` accepts them (plus `bigint` and `LosslessNumber`, see {@link ExactJsonValue}). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * Turns a version 1 sidecar (no directions, every objective `max`, no failures) into the
 * version 2 shape, leaving anything else untouched for the schema to judge.
 */
export function upgradeSidecar(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || (raw as { formatVersion?: unknown }).formatVersion !== 1) return raw
  const v1 = raw as Record<string, unknown>
  const stats = typeof v1['stats'] === 'object' && v1['stats'] !== null ? upgradeStats(v1['stats'] as Record<string, object>) : {}
  const scores = (typeof v1['scores'] === 'object' && v1['scores'] !== null ? v1['scores'] : {}) as Record<string, (number | null)[]>
  const objectives: Record<string, Direction> = {}
  for (const name of Object.keys(scores).sort()) objectives[name] = DEFAULT_DIRECTION
  const valid = Object.values(scores).every((s) => Array.isArray(s))
  return {
    ...v1,
    formatVersion: SIDECAR_FORMAT_VERSION,
    primary: choosePrimary(Object.keys(stats)),
    objectives,
    stats,
    failures: {},
    pareto: valid ? paretoSummary({ scores, directions: objectives }) : null,
  }
}
