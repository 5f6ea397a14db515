import type { Sidecar } from '../model/sidecar.js'
import type { FieldChange, StatsDiff } from '../model/diff.js'
import type { Direction } from '../model/objectives.js'
import type { LineageDiffSummary } from '../model/lineage-diff.js'
import type { ScoreStats } from '../model/stats.js'
import type { EffectiveSettings } from '../model/settings.js'

export type { FieldChange, StatsDiff }

/** A generation on some ref: `3` means generation 3 on the current branch. */
export type GenerationSpec = number | { ref: string; generation: number }

/** Where `resume` says to continue from. */
export interface ResumePoint<T> {
  /** The latest generation on the branch; the engine continues at `generation + 1`. */
  generation: number
  population: T[]
  /** The caller's own `meta` saved with that generation (settings, RNG state), or `null`. */
  meta: unknown
  /** The whole sidecar (scores, statistics, parent), or `null` for a hand-made commit. */
  sidecar: Sidecar | null
  commit: string
  /** The branch (or ref) resumed from. */
  ref: string
  /** The saved `meta.settings`, the effective settings after `overrides`, and what changed. */
  settings: EffectiveSettings
}

/** One entry of {@link LogEntry}-returning `log`: a generation commit, read from its trailers. */
export interface LogEntry {
  commit: string
  /** Commit time, ISO 8601 UTC. */
  time: string
  generation: number
  populationSize: number | null
  /** Statistics per objective, each with its direction and `best`. */
  stats: ScoreStats
  /** The generation's primary objective (what `Best-Score` is about), `null` without scores. */
  primary: string | null
  /** For two or more objectives: the front size and hypervolume, from the trailers. */
  pareto: { frontSize: number; hypervolume: number | null } | null
  subject: string
}

/** A branch as `branches()` describes it. */
export interface BranchSummary {
  name: string
  current: boolean
  commit: string
  /** Latest generation saved on the branch, or `null` when none. */
  latestGeneration: number | null
  /** Best score on the branch's history, in `direction` (lowest for `min`), or `null` without scores. */
  bestScore: number | null
  /** The objective `bestScore` is about: the one asked for, else the primary one. */
  objective: string | null
  /** That objective's direction, or `null` without scores. */
  direction: Direction | null
  /** Where the branch forked off another one, or `null` for a root branch. */
  forkedFrom: { branch: string; generation: number | null; commit: string } | null
  /**
   * Set when the branch's history has a missing or damaged object (a shallow import, a lost
   * pack): its other fields are what could still be read. `evogit verify` lists the objects.
   */
  broken?: true
}

/** A tip set aside by `rollback` (or `restoreArchive`), kept under `refs/evogit/archive/`. */
export interface ArchivedTip {
  /** Full ref name, e.g. `refs/evogit/archive/main/20261124T033843Z`; pass it (or `id`) to restore. */
  ref: string
  /** Short id: `<branch>/<timestamp>`. */
  id: string
  branch: string
  commit: string
  archivedAt: string
  latestGeneration: number | null
}

/** An annotated tag on a generation. */
export interface TagSummary {
  name: string
  commit: string
  generation: number | null
  message: string
  taggedAt: string | null
}


/** The semantic difference between two populations, as plain data. */
export interface PopulationDiff<T> {
  from: { ref: string; generation: number; commit: string }
  to: { ref: string; generation: number; commit: string }
  /** What individuals were matched by: `lineage`, a field name, or `index` when there is no key field. */
  key: string
  added: { key: string; individual: T }[]
  removed: { key: string; individual: T }[]
  /**
   * Individuals whose fields changed. Matched by lineage, `key` is the child's id, `from` the
   * parent it is compared with, `parents` all its parents in the older generation, `kind`
   * `mutated` or `crossover`, and `op` the recorded operator.
   */
  changed: { key: string; fields: FieldChange[]; from?: string; parents?: string[]; kind?: 'mutated' | 'crossover'; op?: string | null }[]
  unchanged: number
  /** `lineage` when the newer side's recorded lineage matched children to parents, else `key`. */
  matchedBy: 'lineage' | 'key'
  /** With lineage: elites kept, mutated children, crossovers, newcomers and removed; else `null`. */
  lineage: LineageDiffSummary | null
  /** Why individuals were matched by key although no `key` was asked for (no lineage recorded), else `null`. */
  note: string | null
  /** Per objective: statistics on each side and `to - from` for each statistic. */
  stats: StatsDiff
  /** The `meta` leaves that differ between the two sides (settings, RNG state), old and new. */
  meta: FieldChange[]
}
