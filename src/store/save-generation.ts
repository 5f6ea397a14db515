import { DetachedHeadError, DirtyWorkingTreeError, GenerationExistsError, InvalidArgumentError, RefNotFoundError } from '../errors/index.js'
import { assertRefName } from '../model/refname.js'
import { savePhaseClock } from './save-phases.js'
import { ObjectDatabase } from '../git/objects.js'
import { canonicalJson, keyOrderFor } from '../model/canonical-json.js'
import { formatCommitMessage, parseCommitMessage } from '../model/commit-message.js'
import { assertGenerationId, generationFileName, sidecarPath } from '../model/generation-id.js'
import { serializePopulation, validatePopulation } from '../model/population.js'
import { normalizeScores, type ScoreSelector, type ScoresInput } from '../model/scores.js'
import { SIDECAR_FORMAT_VERSION, sidecarSchema, type Sidecar } from '../model/sidecar.js'
import { summarizeAll, type ScoreStats } from '../model/stats.js'
import { formatUtc } from '../model/time.js'
import type { StoreContext } from './context.js'

const SIDECAR_ORDER = keyOrderFor(sidecarSchema)

/** Options of a save, besides the generation id and the population. */
export interface SaveOptions<T> {
  /** One score per individual, or named objectives (`{ accuracy: [...], cost: [...] }`). */
  scores?: ScoresInput
  /** Instead of `scores`: the name of a numeric field of each individual, or a function of it. */
  score?: ScoreSelector<T>
  /** Your own JSON for resuming exactly: settings, RNG seed or state, anything. */
  meta?: unknown
  /** Replace a generation the branch already has; the old version stays in history. */
  overwrite?: boolean
  /**
   * Save onto this branch instead of the checked-out one, without touching HEAD or the working
   * tree (unless it is the checked-out branch). This is how island-model workers share one
   * store, each on its own branch. The branch must exist (create it with `branch`).
   */
  branch?: string
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
  stats: ScoreStats
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
  /**
   * Internal, for adopting a directory in place: the untracked `gen_<n>.json` already there is
   * the very data being saved, so writing its canonical form over it loses nothing.
   */
  adoptWorkingFile?: boolean
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
  const objectives = normalizeScores({ population: individuals, scores: options.scores, score: options.score })
  const stats = summarizeAll(objectives)
  const meta = JSON.parse(canonicalJson(options.meta ?? null, undefined, 'meta')) as unknown
  phase('scores, stats, meta')
  const populationBytes = Buffer.from(serializePopulation(individuals, ctx.keyOrder, generation))
  phase('serialize')
  const file = generationFileName(generation)
  const metaPath = sidecarPath(generation)
  const repo = ctx.repo

  return ctx.lock.run(async () => {
    phase('lock acquire')
    const target = await targetBranch(ctx, options.branch)
    const head = target.head
    const branch = target.name
    const parentCommit = head.oid ? await repo.readCommit(head.oid) : null
    const existing = parentCommit ? await repo.entryAt(parentCommit.tree, file) : null
    if (existing && !overwrite) {
      throw new GenerationExistsError(`generation ${generation} already exists on branch ${branch}; use overwrite (--overwrite), or branch first`, {
        generation,
        branch,
        commit: head.oid!,
      })
    }
    // An index we could not update afterwards (mid-merge, split index) stops the save before it commits.
    if (target.checkedOut) await repo.readIndex()
    if (target.checkedOut && !options.adoptWorkingFile) {
      // Never clobber a file the user put or edited there by hand: it is not in git yet.
      const clobbered = await repo.unsavedEdits(
        parentCommit?.tree ?? null,
        new Map([
          [file, () => ObjectDatabase.hash('blob', populationBytes)],
          [metaPath, () => ''],
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
    const parentInfo = parentCommit ? parseCommitMessage(parentCommit.message) : null
    const sidecar: Sidecar = {
      formatVersion: SIDECAR_FORMAT_VERSION,
      generation,
      savedAt: formatUtc(now),
      populationSize: individuals.length,
      stats,
      scores: objectives,
      parent: head.oid ? { generation: parentInfo?.generation ?? null, commit: head.oid } : null,
      meta: meta as Sidecar['meta'],
    }
    const sidecarBytes = Buffer.from(canonicalJson(sidecar, SIDECAR_ORDER, 'sidecar'))

    phase('sidecar')
    const signature = { ...ctx.author, timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: 0 }
    // The git layer writes the objects and working-tree copies, makes them durable, moves the
    // branch by compare-and-swap (the commit point), then updates the working tree and index.
    const committed = await repo.commit({
      ref: head.ref,
      expected: head.oid,
      parentTree: parentCommit?.tree ?? null,
      files: [
        { path: file, data: populationBytes },
        { path: metaPath, data: sidecarBytes },
      ],
      message: formatCommitMessage({ generation, populationSize: individuals.length, stats, overwrite: existing !== null }),
      author: signature,
      worktree: target.checkedOut,
      label: `generation ${generation}`,
    })
    phase('commit: objects, fsync, ref, working tree, index')
    return {
      generation,
      commit: committed.commit,
      branch,
      file,
      blob: committed.blobs.get(file)!,
      savedAt: sidecar.savedAt,
      populationSize: individuals.length,
      stats,
      parent: sidecar.parent,
      overwritten: existing !== null,
      warnings: committed.warnings,
    }
  })
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
