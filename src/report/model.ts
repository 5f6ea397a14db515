import type { Direction } from '../model/objectives.js'

/**
 * The report's data model: everything the HTML report shows, as plain JSON. The collector
 * (`src/store/report.ts`) fills it from commit trailers and sidecars; the renderer
 * (`./render.ts`) turns it into one HTML file; `evogit report --json` prints it as is, so other
 * tools can plot the same numbers. Sections whose data a store cannot provide are `null` with a
 * reason, never left out silently.
 */

/** Bumped when the model's layout changes incompatibly. */
export const REPORT_MODEL_VERSION = 1

/** Which way an objective improves (the objectives model's own type). */
export type { Direction }

/** A section that is either present or absent with a sentence saying why. */
export type Section<T> = { available: true; data: T } | { available: false; reason: string }

/** One objective as the report treats it. */
export interface ObjectiveInfo {
  name: string
  direction: Direction
  /** Where the direction came from: the store's sidecars, or the default (`max`) when none says. */
  directionSource: 'sidecar' | 'default'
}

/** One generation of one objective on one branch: the statistics the trajectory chart plots. */
export interface TrajectoryPoint {
  generation: number
  /** Best value by the objective's direction (max for `max`, min for `min`). */
  best: number | null
  mean: number | null
  median: number | null
  min: number | null
  max: number | null
  /** Evaluated individuals; `null` when the store recorded no count. */
  count: number | null
  /** Failed evaluations in this generation, when the store records them; `null` when unknown. */
  failed: number | null
  /** When thinning merged several generations into this point, how many it stands for. */
  merged?: number
}

/** The trajectory of one branch: its own generations (from its fork point on). */
export interface BranchTrajectory {
  branch: string
  /** Generations on the branch after thinning; `generations` says how many there were before. */
  points: Record<string, TrajectoryPoint[]>
  /** How many generations the branch has from its start (the fork point) to its tip. */
  generations: number
}

/** The trajectories view: per objective, per branch. */
export interface TrajectoriesData {
  objectives: ObjectiveInfo[]
  branches: BranchTrajectory[]
  /** The thinning applied, e.g. `{ maxPoints: 800, thinned: true }`; see `THINNING_RULE`. */
  thinning: { maxPoints: number; thinned: boolean; rule: string }
}

/** One branch in the branch tree. */
export interface BranchNode {
  name: string
  current: boolean
  commit: string
  /** The branch's parent and the generation it forked at; `null` for a root branch. */
  forkedFrom: { branch: string; generation: number | null; commit: string } | null
  /** First generation this branch saved itself (after its fork point), or `null` when none. */
  firstGeneration: number | null
  latestGeneration: number | null
  generations: number
  /** Best value of the primary objective on the branch's own generations, and where. */
  best: { objective: string; value: number; generation: number } | null
  /** Settings the branch's own generations changed, from their `Settings-Changed` trailers: `path: old → new`. */
  settingsChanges: SettingsChange[]
  /** Where `settingsChanges` came from: the commits' trailers, or `none` for a root branch or one without own generations. */
  settingsSource: 'trailer' | 'none'
}

/** One changed setting. */
export interface SettingsChange {
  path: string
  from: unknown
  to: unknown
  /** The generation where the change took effect. */
  generation: number | null
}

/** The comparison table: the same rows as `evogit compare`. */
export interface ComparisonData {
  /** Column names in order; every row has a value (or `null`) for each. */
  columns: string[]
  rows: Record<string, string | number | boolean | null>[]
  /** Always `store.compare()`, the rows `evogit compare` prints. */
  source: 'compare'
}

/** One point of a Pareto front. */
export interface FrontPoint {
  x: number
  y: number
  /** The individual's id or index, when known. */
  id?: string
}

/** The Pareto view for one branch. */
export interface BranchPareto {
  branch: string
  /** Fronts at the chosen generations: first, middle, last and best (by hypervolume), as the sidecars recorded them. */
  fronts: { generation: number; label: string; points: FrontPoint[] }[]
  /** The hypervolume each generation's commit recorded (its `Hypervolume` trailer). */
  hypervolume: { generation: number; value: number }[]
}

/** The Pareto view: two objectives. */
export interface ParetoData {
  objectives: [ObjectiveInfo, ObjectiveInfo]
  branches: BranchPareto[]
  /** How the fronts were obtained and what the hypervolume was measured against. */
  note: string
}

/** One node of a lineage graph. */
export interface LineageNode {
  /** Unique within the graph (`<generation>:<id>`, prefixed `<ref>~` off the branch), as `store.ancestry()` keys it; edges use it. */
  key: string
  id: string
  generation: number
  /** Primary objective value, when known. */
  score: number | null
  /** How the individual was made (e.g. `mutation`, `crossover`), when recorded. */
  operator?: string
  /** The other ref it lives on (a migrant's island), else `null`. */
  ref?: string | null
  /** A recorded parent the store does not have (its ref was deleted or rolled back). */
  missing?: boolean
}

/** The lineage view: for each branch, the ancestry of the best individual of its last generation. */
export interface LineageData {
  /** `root` is the best individual's id; edges lead from a parent's `key` to its child's. */
  branches: { branch: string; root: string; nodes: LineageNode[]; edges: { from: string; to: string }[]; truncated: boolean }[]
}

/** Population diversity at one sampled generation. */
export interface DiversityPoint {
  generation: number
  size: number
  /** Individuals that differ by content (canonical JSON). */
  distinct: number
  /** Mean pairwise Euclidean distance over the numeric fields, or `null` without numeric fields. */
  meanDistance: number | null
  /** Individuals the distance was computed on (a sample when the population is larger). */
  sampledIndividuals: number
}

/** The diversity view: sampled generations, and a sentence saying how they were sampled. */
export interface DiversityData {
  branches: { branch: string; points: DiversityPoint[]; totalGenerations: number }[]
  sampling: string
}

/** One row of the generations table. */
export interface GenerationRow {
  generation: number
  time: string
  size: number | null
  commit: string
  /** Primary objective: best, mean, median, min, max. */
  stats: { best: number | null; mean: number | null; median: number | null; min: number | null; max: number | null } | null
  /** The change to the previous generation on the branch. */
  diff: {
    best: number | null
    mean: number | null
    size: number | null
    /** Individuals added, removed, changed; only for the sampled generations whose populations were read. */
    individuals?: { added: number; removed: number; changed: number; unchanged: number }
  } | null
}

/** The generations table of one branch. */
export interface GenerationsTable {
  branch: string
  rows: GenerationRow[]
  /** Rows before thinning; the table shows `rows.length` of them. */
  total: number
}

/** The whole report. */
export interface ReportModel {
  version: typeof REPORT_MODEL_VERSION
  title: string
  generatedAt: string
  store: { dir: string; branches: string[]; refs: string[] }
  primaryObjective: string | null
  /** Notes about the whole store, such as generations without sidecars. */
  notes: string[]
  trajectories: Section<TrajectoriesData>
  branchTree: Section<BranchNode[]>
  comparison: Section<ComparisonData>
  pareto: Section<ParetoData>
  lineage: Section<LineageData>
  diversity: Section<DiversityData>
  generations: Section<GenerationsTable[]>
}

/** The names of the views, in page order; tests and the renderer use the same ids. */
export const REPORT_VIEWS = ['trajectories', 'branchTree', 'comparison', 'pareto', 'lineage', 'diversity', 'generations'] as const

/** A view id. */
export type ReportView = (typeof REPORT_VIEWS)[number]

/** A section with data. */
export function present<T>(data: T): Section<T> {
  return { available: true, data }
}

/** A section without data, and why. */
export function absent<T>(reason: string): Section<T> {
  return { available: false, reason }
}
