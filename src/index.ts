/**
 * evogit: every generation of an evolutionary run, committed to git.
 *
 * @example
 * ```ts
 * import { openStore, personaSchema } from 'evogit'
 * const store = await openStore({ dir: 'persona_data', schema: personaSchema })
 * const saved = await store.saveGeneration(0, population, { scores, meta: { seed: 42 } })
 * await store.loadGeneration(0)
 * await store.listGenerations() // [0]
 * await store.loadMetadata(0)
 * ```
 * @module
 */
export { openStore, STORE_FORMAT_VERSION, type OpenStoreOptions } from './store/open-store.js'
export type { Store } from './store/store.js'
export type { StoreHistory } from './store/store-history.js'
export type { StoreAnalysis } from './store/store-analysis.js'
export type { Author } from './store/context.js'
export type { SaveOptions, SaveResult } from './store/save-generation.js'
export type { ReadOptions } from './store/load-generation.js'
export type { ExactReadOptions, LoadMetadataOptions } from './store/load-metadata.js'
export type { ImportGenerationsOptions, ImportProgress, ImportResult } from './store/import-generations.js'
export type {
  ArchivedTip,
  BranchSummary,
  FieldChange,
  GenerationSpec,
  LogEntry,
  PopulationDiff,
  ResumePoint,
  StatsDiff,
  TagSummary,
} from './store/history-types.js'
export type { CheckoutOptions, CheckoutResult } from './store/checkout.js'
export type { BranchOptions } from './store/branch.js'
export type { BranchesOptions } from './store/branches.js'
export type { TagOptions } from './store/tag.js'
export type { LogOptions } from './store/log.js'
export type { DiffOptions } from './store/diff.js'
export type { RollbackOptions, RollbackResult } from './store/rollback.js'
export type { RestoreArchiveOptions, RestoreArchiveResult } from './store/restore-archive.js'
export type { PushOptions, PushResult, RemoteOptions } from './store/push.js'
export type { PullOptions, PullResult } from './store/pull.js'
export type { RemoteAuth } from './git/remote.js'
export type { CompactOptions, CompactResult } from './store/compact.js'
export type { AutoCompactOptions } from './store/auto-compact.js'
export type { CompactionDue } from './store/compaction-due.js'
export type { ObjectStoreSize } from './git/compact.js'
export type { BranchReport, VerifyOptions, VerifyProblem, VerifyProgress, VerifyReport } from './store/verify.js'
export type { ObjectProblem } from './git/graph-check.js'
export type { LeftoverProblem, RepairAction, RepairResult } from './store/repair.js'
export type { ReportOptions, ReportResult } from './store/report.js'
export { renderReport } from './report/lazy.js'
export {
  REPORT_MODEL_VERSION,
  REPORT_VIEWS,
  type BranchNode,
  type ComparisonData,
  type DiversityData,
  type GenerationRow,
  type LineageData,
  type ObjectiveInfo,
  type ParetoData,
  type ReportModel,
  type ReportView,
  type Section,
  type TrajectoriesData,
  type TrajectoryPoint,
} from './report/model.js'
export type { StatusEntry, StatusReport } from './store/status.js'
export type { CommitWorkingFilesOptions, CommitWorkingFilesResult } from './store/commit-working-files.js'
export type { WatchOptions } from './store/watch.js'
export { personaSchema, strictPersonaSchema, type Persona } from './model/persona.js'
export { sidecarSchema, SIDECAR_FORMAT_VERSION, type Sidecar, type JsonValue } from './model/sidecar.js'
export type { ObjectiveStats, ScoreStats } from './model/stats.js'
export type { FailedScore, ScoreFailure, ScoresInput, ScoreSelector } from './model/scores.js'
export {
  better,
  bestOf,
  bestOfStats,
  choosePrimary,
  directionOf,
  worstOf,
  DEFAULT_DIRECTION,
  type Direction,
  type ObjectiveSpec,
  type ObjectivesConfig,
  type ObjectivesInput,
} from './model/objectives.js'
export { dominates, hypervolume2d, hypervolume3d, nonDominatedRanks, paretoSummary, type ParetoInput, type ParetoReference, type ParetoSummary, type ReferenceSource } from './model/pareto.js'
export { formatNumber } from './model/number-format.js'
export { LosslessNumber, isLosslessNumber, type ExactJsonValue } from './model/lossless-json.js'
export type { ParetoMember, ParetoOptions, ParetoResult } from './store/pareto.js'
export type { SetObjectivesOptions, SetObjectivesResult } from './store/set-objectives.js'
export { GENERATION_FILE_PATTERN } from './model/generation-id.js'
export type { LineageEntry, LineageId, LineageInput, LineageParent } from './model/lineage.js'
export type { LineageEdge, LineageGraph, LineageNode } from './model/lineage-graph.js'
export type { LineageDiffSummary } from './model/lineage-diff.js'
export type { LineageQueryOptions, LineageResult } from './store/ancestry.js'
export type { LineageReadCounts } from './store/lineage-source.js'
export type { OriginOptions, OriginResult } from './store/origin.js'
export type { ExportRowsOptions } from './store/export-rows.js'
export type { ExportRow } from './model/export-row.js'
export type { StoreFs } from './io/fs.js'
export type { WriteLockOptions } from './io/lock.js'
export * from './errors/index.js'
export type { CompareOptions, CompareResult } from './store/compare.js'
export type { CompareRow, Comparison, CompareTarget, ObjectiveSummary, RowKind } from './model/compare.js'
export type { CompareGroup, Spread } from './model/compare-group.js'
export type { EffectiveSettings, SettingChange } from './model/settings.js'
export type { ResumeOptions } from './store/resume.js'
