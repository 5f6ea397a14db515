import type { Sidecar } from '../model/sidecar.js'
import type { FieldChange, StatsDiff } from '../model/diff.js'
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
  stats: ScoreStats
  subject: string
}

/** A branch as `branches()` describes it. */
export interface BranchSummary {
  name: string
  current: boolean
  commit: string
  /** Latest generation saved on the branch, or `null` when none. */
  latestGeneration: number | null
  /** Best primary score on the branch's history, or `null` without scores. */
  bestScore: number | null
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
  /** What individuals were matched by: a field name, or `index` when there is no key field. */
  key: string
  added: { key: string; individual: T }[]
  removed: { key: string; individual: T }[]
  changed: { key: string; fields: FieldChange[] }[]
  unchanged: number
  /** Per objective: statistics on each side and `to - from` for each statistic. */
  stats: StatsDiff
  /** The `meta` leaves that differ between the two sides (settings, RNG state), old and new. */
  meta: FieldChange[]
}
