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
export type { Author } from './store/context.js'
export type { SaveOptions, SaveResult } from './store/save-generation.js'
export type { ReadOptions } from './store/load-generation.js'
export type { ImportProgress, ImportResult } from './store/import-generations.js'
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
export type { CheckoutResult } from './store/checkout.js'
export type { RollbackResult } from './store/rollback.js'
export type { RestoreArchiveResult } from './store/restore-archive.js'
export type { PushOptions, PushResult, RemoteOptions } from './store/push.js'
export type { PullOptions, PullResult } from './store/pull.js'
export type { RemoteAuth } from './git/remote.js'
export type { CompactOptions, CompactResult } from './store/compact.js'
export type { AutoCompactOptions } from './store/auto-compact.js'
export type { ObjectStoreSize } from './git/compact.js'
export type { BranchReport, VerifyProblem, VerifyProgress, VerifyReport } from './store/verify.js'
export type { LeftoverProblem, RepairAction, RepairResult } from './store/repair.js'
export { personaSchema, type Persona } from './model/persona.js'
export { sidecarSchema, SIDECAR_FORMAT_VERSION, type Sidecar, type JsonValue } from './model/sidecar.js'
export type { ObjectiveStats, ScoreStats } from './model/stats.js'
export type { ScoresInput, ScoreSelector } from './model/scores.js'
export { GENERATION_FILE_PATTERN } from './model/generation-id.js'
export type { StoreFs } from './io/fs.js'
export type { WriteLockOptions } from './io/lock.js'
export * from './errors/index.js'
