/**
 * Every error evogit throws on purpose is an {@link EvogitError}: it has a literal `code` that
 * tests and callers switch on, a `category` the CLI maps to an exit code, and a `data` payload
 * with the facts (generation ids, paths, commits) so nobody has to parse message text.
 *
 * @example
 * ```ts
 * try {
 *   await store.saveGeneration(3, population)
 * } catch (err) {
 *   if (err instanceof EvogitError && err.code === 'E_GENERATION_EXISTS') {
 *     await store.saveGeneration(3, population, { overwrite: true })
 *   } else throw err
 * }
 * ```
 * @module
 */

/** What kind of failure an error is; the CLI turns each category into one exit code. */
export type ErrorCategory =
  | 'usage'
  | 'not-found'
  | 'conflict'
  | 'invalid-data'
  | 'corrupt'
  | 'io'
  | 'locked'

/** The base class of every coded evogit error. */
export abstract class EvogitError<Data = unknown> extends Error {
  /** A stable machine-readable code such as `E_GENERATION_EXISTS`. */
  abstract readonly code: string
  /** The family of failure, used by the CLI for exit codes. */
  abstract readonly category: ErrorCategory
  /** Structured facts about the failure. */
  readonly data: Data
  /** The public operation that raised the error, for example `saveGeneration`. */
  caller: string | undefined

  constructor(message: string, data: Data, options?: { cause?: unknown; caller?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.data = data
    this.caller = options?.caller
  }

  /** A plain object for `--json` output and logs. */
  toJSON(): { name: string; code: string; category: ErrorCategory; message: string; data: Data; caller?: string } {
    return {
      name: this.name,
      code: this.code,
      category: this.category,
      message: this.message,
      data: this.data,
      ...(this.caller === undefined ? {} : { caller: this.caller }),
    }
  }
}

/** Thrown when an argument has the wrong type or shape; the message names the parameter. */
export class InvalidArgumentError extends EvogitError<{ parameter: string; expected: string; received: string }> {
  readonly code = 'E_INVALID_ARGUMENT' as const
  readonly category = 'usage' as const
}

/** Thrown when a generation id is not a non-negative safe integer. */
export class InvalidGenerationIdError extends EvogitError<{ parameter: string; received: string }> {
  readonly code = 'E_INVALID_GENERATION_ID' as const
  readonly category = 'usage' as const
}

/** One problem found while validating a population against the store's schema. */
export interface PopulationIssue {
  /** Index of the individual in the population array. */
  index: number
  /** Path of the offending field inside that individual, e.g. `['personality_traits', 'openness']`. */
  path: (string | number)[]
  /** What the schema expected. */
  message: string
}

/**
 * Thrown when individuals fail the schema, or a value cannot be stored as JSON.
 * `data.issues` names the individual's index and the field path of every problem found.
 */
export class InvalidPopulationError extends EvogitError<{ generation?: number; file?: string; issues: PopulationIssue[] }> {
  readonly code = 'E_INVALID_POPULATION' as const
  readonly category = 'invalid-data' as const
}

/** Thrown when scores are NaN, infinite, of the wrong length, or otherwise unusable. */
export class InvalidScoresError extends EvogitError<{ objective?: string; index?: number; reason: string }> {
  readonly code = 'E_INVALID_SCORES' as const
  readonly category = 'invalid-data' as const
}

/**
 * Thrown when `meta` (or another value bound for a JSON file) is not plain JSON, or JSON input
 * is malformed: a syntax error, invalid UTF-8 (`offset` is the byte), a duplicate key (`key`),
 * or a number JS cannot hold exactly. `path` starts with the individual's index for populations.
 */
export class InvalidJsonError extends EvogitError<{ what: string; path: (string | number)[]; reason: string; offset?: number; key?: string }> {
  readonly code = 'E_INVALID_JSON' as const
  readonly category = 'invalid-data' as const
}

/** Thrown when saving a generation id that the branch already has, without `overwrite`. */
export class GenerationExistsError extends EvogitError<{ generation: number; branch: string; commit: string }> {
  readonly code = 'E_GENERATION_EXISTS' as const
  readonly category = 'conflict' as const
}

/** Thrown when a generation that must exist (to branch, tag, roll back or diff) is missing on a ref. */
export class GenerationNotFoundError extends EvogitError<{ generation: number; ref: string }> {
  readonly code = 'E_GENERATION_NOT_FOUND' as const
  readonly category = 'not-found' as const
}

/** Thrown when a directory is neither a store nor empty (and adoption was not asked for). */
export class NotAStoreError extends EvogitError<{ dir: string; reason: string }> {
  readonly code = 'E_NOT_A_STORE' as const
  readonly category = 'usage' as const
}

/** Thrown when a stored generation file cannot be parsed or fails the schema; names the commit and file. */
export class CorruptGenerationError extends EvogitError<{
  generation: number
  commit: string
  file: string
  issues?: PopulationIssue[]
}> {
  readonly code = 'E_CORRUPT_GENERATION' as const
  readonly category = 'corrupt' as const
}

/** Thrown when a git object is missing or unreadable. */
export class CorruptObjectError extends EvogitError<{ oid: string; reason: string }> {
  readonly code = 'E_CORRUPT_OBJECT' as const
  readonly category = 'corrupt' as const
}

/** Thrown when a branch, tag or commit cannot be resolved. */
export class RefNotFoundError extends EvogitError<{ ref: string }> {
  readonly code = 'E_REF_NOT_FOUND' as const
  readonly category = 'not-found' as const
}

/** Thrown when a branch or tag name breaks git's check-ref-format rules or would escape the repository. */
export class InvalidRefNameError extends EvogitError<{ name: string; reason: string }> {
  readonly code = 'E_INVALID_REF_NAME' as const
  readonly category = 'usage' as const
}

/** Thrown when creating a branch or tag whose name is taken. */
export class RefExistsError extends EvogitError<{ ref: string }> {
  readonly code = 'E_REF_EXISTS' as const
  readonly category = 'conflict' as const
}

/**
 * Thrown when a branch moved between reading it and updating it (another writer committed first).
 * Nothing was lost: the other writer's commit is on the branch, ours was not applied.
 */
export class ConcurrentUpdateError extends EvogitError<{ ref: string; expected: string | null; actual: string | null }> {
  readonly code = 'E_CONCURRENT_UPDATE' as const
  readonly category = 'conflict' as const
}

/** Thrown when an operation would overwrite uncommitted edits in the working tree. */
export class DirtyWorkingTreeError extends EvogitError<{ files: string[] }> {
  readonly code = 'E_DIRTY_WORKTREE' as const
  readonly category = 'conflict' as const
}

/** Thrown when the store's write lock could not be taken in time. */
export class StoreLockedError extends EvogitError<{ dir: string; holder?: string }> {
  readonly code = 'E_LOCKED' as const
  readonly category = 'locked' as const
}

/** Thrown when the file system fails (full disk, read-only directory, ...); the store is left consistent. */
export class StoreIOError extends EvogitError<{ path: string; syscall?: string; errno?: string }> {
  readonly code = 'E_IO' as const
  readonly category = 'io' as const
}

/** Thrown when saving while HEAD is detached (not on a branch): there is no branch to append to. */
export class DetachedHeadError extends EvogitError<{ commit: string | null }> {
  readonly code = 'E_DETACHED_HEAD' as const
  readonly category = 'conflict' as const
}

/** Thrown when a remote refuses a push because its branch has commits we do not (pull first). Nothing was overwritten. */
export class RemoteRejectedError extends EvogitError<{ ref: string; url: string; reason: string }> {
  readonly code = 'E_REMOTE_REJECTED' as const
  readonly category = 'conflict' as const
}

/** Thrown when a pulled branch and the local one both have commits the other lacks; evogit never merges or drops either side. */
export class DivergedError extends EvogitError<{ branch: string; local: string; remote: string }> {
  readonly code = 'E_DIVERGED' as const
  readonly category = 'conflict' as const
}

/** Thrown when a remote cannot be reached or answers with an error (network, authentication, missing repository). */
export class RemoteError extends EvogitError<{ url: string; reason: string }> {
  readonly code = 'E_REMOTE' as const
  readonly category = 'io' as const
}

/** Thrown when `.git/index` is in a state evogit will not rewrite: mid-merge, a split or sparse index, or damaged. Nothing was committed. */
export class UnsupportedIndexError extends EvogitError<{ path: string; reason: string; conflicted?: string[] }> {
  readonly code = 'E_UNSUPPORTED_INDEX' as const
  readonly category = 'conflict' as const
}

/**
 * Thrown when the `lineage` of a save is unusable: not one entry per individual, a malformed
 * entry, two individuals with the same id, or a parent that does not exist in the generation (and
 * on the ref) it names. `data.index` and `data.id` name the individual; nothing was saved.
 *
 * @example
 * ```ts
 * try {
 *   await store.saveGeneration(5, population, { lineage })
 * } catch (err) {
 *   if (err instanceof InvalidLineageError) console.error(err.data.index, err.data.parent)
 * }
 * ```
 */
export class InvalidLineageError extends EvogitError<{
  generation: number
  /** Position of the offending individual in the population, when one is to blame. */
  index?: number
  /** Its lineage id. */
  id?: string | number
  /** The parent that could not be found. */
  parent?: { generation: number; id: string | number; ref?: string }
  reason: string
}> {
  readonly code = 'E_INVALID_LINEAGE' as const
  readonly category = 'invalid-data' as const
}

/** Thrown when a lineage query names an individual that no generation (or not the one given) on the ref has. */
export class IndividualNotFoundError extends EvogitError<{ id: string | number; generation?: number; ref: string }> {
  readonly code = 'E_INDIVIDUAL_NOT_FOUND' as const
  readonly category = 'not-found' as const
}

/**
 * Thrown when a resume override may not be applied: the key is not a saved setting, its value
 * has another type than the saved one, or the setting is locked for the rest of the run (for
 * example the population size, when the engine cannot change it mid-run). Nothing is saved.
 *
 * @example
 * ```ts
 * try {
 *   await store.resume({ overrides: { populationSize: 50 }, locked: ['populationSize'] })
 * } catch (err) {
 *   if (err instanceof EvogitError && err.code === 'E_INVALID_OVERRIDE') console.error(err.data.key, err.data.reason)
 * }
 * ```
 */
export class InvalidOverrideError extends EvogitError<{ key: string; reason: 'unknown-setting' | 'type-mismatch' | 'locked' | 'no-settings'; saved?: unknown; received?: unknown }> {
  readonly code = 'E_INVALID_OVERRIDE' as const
  readonly category = 'usage' as const
}

/**
 * Thrown before a checkout, rollback, restore or pull moves any ref, when the tree it would write
 * holds something evogit will not put in a working tree: a symbolic link (mode 120000), a
 * submodule (160000), `gen_<n>.json` that is not a file, `.evogit` that is not a directory, two
 * entries with one name, or a blob that is missing. Nothing was changed.
 */
export class UnsafeTreeError extends EvogitError<{ path: string; mode: string; reason: string; commit?: string }> {
  readonly code = 'E_UNSAFE_TREE' as const
  readonly category = 'corrupt' as const
}

/**
 * Thrown when an objective is declared with another direction (or primary) than the store has
 * recorded. Changing what "best" means is an explicit operation (`setObjectives` with
 * `change: true`, `evogit objectives … --change`), recorded in history, never a silent flip.
 */
export class ObjectiveConflictError extends EvogitError<{ objective: string; stored: string; declared: string; source: string }> {
  readonly code = 'E_OBJECTIVE_CONFLICT' as const
  readonly category = 'conflict' as const
}
