import { DetachedHeadError, DirtyWorkingTreeError, GenerationExistsError, InvalidArgumentError, RefNotFoundError } from '../errors/index.js'
import { assertRefName } from '../model/refname.js'
import { savePhaseClock } from './save-phases.js'
import { formatCommitMessage, parseCommitMessage } from '../model/commit-message.js'
import { assertGenerationId, generationFileName, sidecarPath } from '../model/generation-id.js'
import { serializePopulationBytes, validatePopulation } from '../model/population.js'
import { normalizeObjectives, OBJECTIVES_PATH, type ObjectivesInput } from '../model/objectives.js'
import { normalizeScores, type ScoreSelector, type ScoresInput } from '../model/scores.js'
import { SIDECAR_FORMAT_VERSION, type Sidecar } from '../model/sidecar.js'
import type { ScoreStats } from '../model/stats.js'
import { formatUtc } from '../model/time.js'
import type { LineageInput } from '../model/lineage.js'
import type { StoreContext } from './context.js'
import { planObjectives } from './objectives-state.js'
import { metaText, scoreFields, sidecarText } from './score-fields.js'
import type { VerbatimSave } from './working-files.js'
import type { StagedFiles } from '../git/transaction.js'
import { BlobDeflater } from '../git/blob-deflater.js'
import { rememberLineage } from './lineage-source.js'
import { checkLineageParents, prepareLineage } from './record-lineage.js'
import { rememberSettings, savedSettings, settingsChangedSince } from './settings-trailer.js'

/** Options of a save, besides the generation id and the population. */
export interface SaveOptions<T> {
  /**
   * One score per individual, or named objectives (`{ accuracy: [...], cost: [...] }`). `null`,
   * NaN and ±Infinity are failed evaluations: kept as `null` with the raw value in `failures`.
   */
  scores?: ScoresInput
  /**
   * Directions of objectives this save introduces (`{ cost: 'min' }`), committed with it. A known
   * objective declared with another direction is refused (E_OBJECTIVE_CONFLICT).
   */
  objectives?: ObjectivesInput
  /** Instead of `scores`: the name of a numeric field of each individual, or a function of it. */
  score?: ScoreSelector<T>
  /**
   * Your own JSON for resuming exactly: settings, RNG seed or state, anything. Kept exactly, key
   * order included; `bigint` (and `LosslessNumber`) values are written digit for digit.
   */
  meta?: unknown
  /** Replace a generation the branch already has; the old version stays in history. */
  overwrite?: boolean
  /**
   * Save onto this branch instead of the checked-out one, without touching HEAD or the working
   * tree (unless it is the checked-out branch). This is how island-model workers share one
   * store, each on its own branch. The branch must exist (create it with `branch`).
   */
  branch?: string
  /**
   * Who descends from whom: one entry per individual, in population order, each
   * `{ id?, parents: [{ generation, id, ref? }], op? }`. Recorded in the sidecar only (never in
   * `gen_<n>.json`). Parents must exist, on this branch's history or on the `ref` they name.
   */
  lineage?: readonly LineageInput[]
}

/** What a save did. */
export interface SaveResult {
  generation: number
  /** The 40-hex id of the new commit. */
  commit: string
  /** The branch the commit was added to. */
  branch: string
  /** `gen_<n>.json`. */
  file: string
  /** The blob id of the population file (what `git hash-object gen_<n>.json` prints). */
  blob: string
  savedAt: string
  populationSize: number
  /** Statistics per objective, each with its direction and `best`. */
  stats: ScoreStats
  /** The objective the commit subject and `Best-Score` are about (`null` without scores). */
  primary: string | null
  parent: Sidecar['parent']
  /** True when an existing generation was replaced. */
  overwritten: boolean
  /**
   * Problems after the commit point that did not undo the save, e.g. the working-tree copy could
   * not be renamed into place (repair finishes it). Empty normally.
   */
  warnings: string[]
}

/** The arguments of {@link saveGeneration}. */
export interface SaveGenerationOptions<T> extends SaveOptions<T> {
  ctx: StoreContext<T>
  generation: number
  population: readonly unknown[]
  /** Internal (import, adopt, add, watch): commit another program's file byte for byte; see working-files.ts. */
  verbatim?: VerbatimSave
}

/**
 * Validates a population, writes `gen_<n>.json` and its sidecar, and commits both in one commit
 * on the current branch.
 *
 * The commit itself is the git layer's one transaction (`Repository.commit`, whose ordering rule
 * makes a crash at any instant safe); this function validates, computes the scores and the
 * sidecar, and applies the store's policy (overwrite, hand edits, target branch).
 *
 * @param options - The store context, the generation id, the population and {@link SaveOptions}.
 * @returns The new commit and what was recorded.
 * @throws InvalidGenerationIdError, InvalidPopulationError, InvalidScoresError, InvalidJsonError,
 *   GenerationExistsError, DetachedHeadError, DirtyWorkingTreeError (a hand-edited or untracked
 *   file is in the way), ConcurrentUpdateError, StoreIOError.
 *
 * @example
 * ```ts
 * const saved = await store.saveGeneration(3, population, { scores, meta: { seed: 42, mutationRate: 0.2 } })
 * console.log(saved.commit) // 40-hex commit id
 * ```
 */
export async function saveGeneration<T>(options: SaveGenerationOptions<T>): Promise<SaveResult> {
  const { ctx, overwrite = false } = options
  const generation = assertGenerationId(options.generation)
  if (typeof overwrite !== 'boolean') {
    throw new InvalidArgumentError(`\`overwrite\` must be a boolean, received ${typeof overwrite}`, { parameter: 'overwrite', expected: 'boolean', received: typeof overwrite })
  }
  const phase = savePhaseClock() // `bench --breakdown` only; a no-op otherwise
  // Everything that can be refused is checked before the lock is taken and before any write.
  const individuals = validatePopulation({ populationSchema: ctx.populationSchema, population: options.population, generation, context: `generation ${generation}` })
  phase('validate')
  const scored = normalizeScores({ population: individuals, scores: options.scores, score: options.score })
  normalizeObjectives(options.objectives)
  const meta = metaText(options.meta ?? null)
  phase('scores, stats, meta')
  const lineage = prepareLineage(ctx, { lineage: options.lineage, population: individuals, generation })
  const verbatim = options.verbatim
  // A big population's blob is deflated in the thread pool while the rest of it is serialised.
  const deflater = verbatim ? undefined : new BlobDeflater()
  const populationBytes = verbatim?.bytes ?? serializePopulationBytes(individuals, ctx.keyOrder, generation, { validated: true, ...(deflater ? { progress: deflater.progress } : {}) })
  phase('serialize')
  const file = generationFileName(generation)
  const metaPath = sidecarPath(generation)
  const repo = ctx.repo
  // The population blob is hashed and deflated (in the thread pool) before the lock is taken, so
  // the biggest compression of the save overlaps the lock and the reads below. Nothing touches
  // the disk before the lock, so a crash here leaves nothing to clean up.
  const stagedPopulation = repo.stage([{ path: file, data: populationBytes, ...(deflater ? { deflater } : {}) }])
  const populationOid = stagedPopulation.files[0]!.oid
  phase('stage population blob')

  // Written as soon as we hold the lock, side by side with the reads below.
  return ctx.lock.run(() => whileWriting(stagedPopulation, async () => {
    phase('lock acquire')
    const target = await targetBranch(ctx, options.branch)
    const head = target.head
    const branch = target.name
    const parentCommit = head.oid ? await repo.readCommit(head.oid) : null
    const existing = parentCommit ? await repo.entryAt(parentCommit.tree, file) : null
    // New declarations are committed with the save; a conflicting one is refused before any write.
    const plan = await planObjectives(ctx, parentCommit?.tree ?? null, options.objectives, head.oid ?? '')
    const extra = plan.file ? [{ path: OBJECTIVES_PATH, data: plan.file }] : []
    const scoring = scoreFields(scored, plan.config)
    const stats = scoring.stats
    if (existing && !overwrite) {
      throw new GenerationExistsError(`generation ${generation} already exists on branch ${branch}; use overwrite (--overwrite), or branch first`, {
        generation,
        branch,
        commit: head.oid!,
      })
    }
    // An index we could not update afterwards (mid-merge, split index) stops the save before it commits.
    if (target.checkedOut) await repo.readIndex()
    if (target.checkedOut && !verbatim?.inPlace) {
      // Never clobber a file the user put or edited there by hand: it is not in git yet.
      const clobbered = await repo.unsavedEdits(
        parentCommit?.tree ?? null,
        new Map([
          [file, () => populationOid],
          [metaPath, () => ''],
          ...extra.map(({ path }): [string, () => string] => [path, () => '']),
          ...(verbatim?.companions ?? []).map((c): [string, () => string] => [c.name, () => c.oid]),
        ]),
      )
      if (clobbered.length > 0) {
        throw new DirtyWorkingTreeError(
          `${clobbered.join(' and ')} in the working tree ${clobbered.length === 1 ? 'has' : 'have'} uncommitted content that saving generation ${generation} would overwrite; commit or move ${clobbered.length === 1 ? 'it' : 'them'} first`,
          { files: clobbered },
        )
      }
    }
    phase('read HEAD, parent, index, working tree')
    const now = ctx.clock()
    if (!(now instanceof Date) || !Number.isFinite(now.getTime())) {
      throw new InvalidArgumentError('`clock` must return a valid Date', { parameter: 'clock', expected: 'a valid Date', received: String(now) })
    }
    await checkLineageParents(ctx, { entries: lineage, generation, tip: head.oid, branch })
    const parentInfo = parentCommit ? parseCommitMessage(parentCommit.message) : null
    const sidecar: Omit<Sidecar, 'meta'> = {
      formatVersion: SIDECAR_FORMAT_VERSION,
      generation,
      savedAt: formatUtc(now),
      populationSize: individuals.length,
      ...scoring,
      parent: head.oid ? { generation: parentInfo?.generation ?? null, commit: head.oid } : null,
      ...(verbatim ? { source: verbatim.source } : {}),
      ...(lineage ? { lineage } : {}),
    }
    const sidecarBytes = Buffer.from(sidecarText(sidecar, meta))
    const settings = savedSettings(meta)
    const settingsChanged = await settingsChangedSince(ctx, head.oid && parentCommit ? { oid: head.oid, message: parentCommit.message } : null, settings)

    phase('sidecar')
    const signature = { ...ctx.author, timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: 0 }
    // The git layer writes the objects and working-tree copies, makes them durable, moves the
    // branch by compare-and-swap (the commit point), then updates the working tree and index.
    const committed = await repo.commit({
      ref: head.ref,
      expected: head.oid,
      parentTree: parentCommit?.tree ?? null,
      staged: stagedPopulation,
      files: [
        { path: metaPath, data: sidecarBytes },
        ...extra,
        ...(verbatim?.companions ?? []).map((c) => ({ path: c.name, data: c.bytes, oid: c.oid })),
      ],
      ...(verbatim?.inPlace ? { inPlace: verbatim.inPlace } : {}),
      message: formatCommitMessage({
        generation,
        populationSize: individuals.length,
        stats,
        primary: scoring.primary,
        pareto: scoring.pareto && { frontSize: scoring.pareto.front.length, hypervolume: scoring.pareto.hypervolume },
        overwrite: existing !== null,
        settingsChanged,
      }),
      author: signature,
      worktree: target.checkedOut,
      label: `generation ${generation}`,
    })
    phase('commit: objects, fsync, ref, working tree, index')
    rememberLineage(ctx, committed.blobs.get(metaPath)!, sidecar)
    rememberSettings(ctx, committed.commit, settings)
    return {
      generation,
      commit: committed.commit,
      branch,
      file,
      blob: committed.blobs.get(file)!,
      savedAt: sidecar.savedAt,
      populationSize: individuals.length,
      stats,
      primary: scoring.primary,
      parent: sidecar.parent,
      overwritten: existing !== null,
      warnings: committed.warnings,
    }
  }))
}

/** The ref a save appends to, its tip, and whether the working tree follows it. */
async function targetBranch(ctx: StoreContext, branch: string | undefined): Promise<{ head: { ref: string; oid: string | null }; name: string; checkedOut: boolean }> {
  const head = await ctx.repo.refs.head()
  if (branch === undefined || (head.ref !== null && head.ref === `refs/heads/${branch}`)) {
    if (head.ref === null) {
      throw new DetachedHeadError(`HEAD is detached at ${head.oid ?? 'nothing'}; check out a branch (or pass \`branch\`) before saving`, { commit: head.oid })
    }
    return { head: { ref: head.ref, oid: head.oid }, name: head.ref.replace(/^refs\/heads\//, ''), checkedOut: true }
  }
  const name = assertRefName(branch, 'branch')
  const ref = `refs/heads/${name}`
  const oid = await ctx.repo.refs.resolve(ref)
  if (oid === null) throw new RefNotFoundError(`branch ${name} does not exist; create it with branch() first`, { ref: name })
  return { head: { ref, oid }, name, checkedOut: false }
}

/**
 * Runs `fn` while the staged blobs are written. A refused save still waits for the write before
 * the lock is released: a temp file left by a crash inside the lock is cleaned by the next
 * holder's repair, one left outside it would not be.
 */
async function whileWriting<R>(staged: StagedFiles, fn: () => Promise<R>): Promise<R> {
  const writing = staged.write()
  try {
    return await fn()
  } finally {
    await writing.catch(() => undefined)
  }
}
