import { GenerationExistsError, InvalidArgumentError } from '../errors/index.js'
import type { StoreFs } from '../io/fs.js'
import { assertGenerationId, generationFileName } from '../model/generation-id.js'
import type { ScoreSelector, ScoresInput } from '../model/scores.js'
import type { StoreContext } from './context.js'
import { saveGeneration, type SaveResult } from './save-generation.js'
import { status } from './status.js'
import { GENERATION_STATS_FILE, parseGenerationBytes, readCompanions, snapshotFile, verbatimSave } from './working-files.js'

/** Options of {@link commitWorkingFiles}, besides the store. */
export interface CommitWorkingFilesOptions<T> {
  /** The generations to commit; default: every `gen_<n>.json` on disk that is not committed yet. */
  generations?: readonly number[]
  /** One score per individual, or named objectives; only with a single generation. */
  scores?: ScoresInput
  /** The name of a numeric field of each individual, or a function of it. */
  score?: ScoreSelector<T>
  /** Your own JSON to keep with each generation (settings, RNG state). */
  meta?: unknown
  /** Commit generations whose file differs from the committed version; the old one stays in history. */
  overwrite?: boolean
}

/** What {@link commitWorkingFiles} did. */
export interface CommitWorkingFilesResult {
  /** One commit per generation, in ascending order, with the companion files that went with it. */
  committed: (SaveResult & { companions: string[] })[]
  /** Generations asked for that are already committed with exactly these bytes. */
  unchanged: number[]
}

/** The arguments of {@link commitWorkingFiles}. */
export interface CommitWorkingFilesCall<T> extends CommitWorkingFilesOptions<T> {
  ctx: StoreContext<T>
  fs: StoreFs
  /** Internal: `watch` records itself as the source. */
  via?: 'add' | 'watch'
}

/**
 * Commits generation files another program wrote into the store directory (the original Python
 * engine, say): one commit per generation, in ascending order, each file committed byte for byte
 * as it is on disk, together with its companion files (`transcripts_gen_<n>.json`, and
 * `generation_stats.jsonl` when it changed). The files are validated by the schema and indexed
 * as they are, never rewritten. Every refusal (a generation already committed with other content
 * and no `overwrite`, a missing file, a schema failure) comes before the first commit.
 *
 * @returns The commits made, and the generations that were already committed as they are.
 * @throws GenerationExistsError (modified without `overwrite`), InvalidArgumentError (a file is
 *   missing, `scores` with several generations), InvalidPopulationError / InvalidJsonError
 *   naming the file and the individual.
 *
 * @example
 * ```ts
 * const { committed } = await store.commitWorkingFiles({ score: 'fitness' })
 * ```
 */
export async function commitWorkingFiles<T>(options: CommitWorkingFilesCall<T>): Promise<CommitWorkingFilesResult> {
  const { ctx, fs, overwrite = false } = options
  const report = await status({ ctx, fs })
  const committedNow = new Set(report.committed)
  const changed = new Map(report.entries.filter((e) => e.kind === 'generation' && (e.state === 'untracked' || e.state === 'modified')).map((e) => [e.generation!, e.state]))
  let targets: number[]
  if (options.generations === undefined) {
    targets = [...changed.keys()].filter((g) => changed.get(g) === 'untracked' || overwrite)
  } else {
    if (!Array.isArray(options.generations)) {
      throw new InvalidArgumentError('`generations` must be an array of generation ids', { parameter: 'generations', expected: 'an array', received: typeof options.generations })
    }
    targets = [...new Set(options.generations.map((g) => assertGenerationId(g, 'generations')))]
  }
  targets.sort((a, b) => a - b)
  if (options.scores !== undefined && targets.length !== 1) {
    throw new InvalidArgumentError(`\`scores\` belong to one generation, but ${targets.length} are to be committed; name one, or use \`score\` (--score-field)`, {
      parameter: 'scores',
      expected: 'exactly one generation',
      received: String(targets.length),
    })
  }
  const result: CommitWorkingFilesResult = { committed: [], unchanged: [] }
  // Refuse before the first commit, so a failing call commits nothing.
  const plan: { generation: number; snapshot: NonNullable<Awaited<ReturnType<typeof snapshotFile>>>; population: T[] }[] = []
  for (const generation of targets) {
    const file = generationFileName(generation)
    const state = changed.get(generation)
    if (state === undefined && committedNow.has(generation)) {
      result.unchanged.push(generation)
      continue
    }
    if (state === 'modified' && !overwrite) {
      throw new GenerationExistsError(`${file} differs from the committed generation ${generation} on ${report.branch ?? 'HEAD'}; pass overwrite (--overwrite) to commit it (the old version stays in history)`, {
        generation,
        branch: report.branch ?? 'HEAD',
        commit: (await ctx.repo.refs.head()).oid ?? '',
      })
    }
    const snapshot = await snapshotFile(fs, ctx.dir, file)
    if (snapshot === null) {
      throw new InvalidArgumentError(`${file} is not in ${ctx.dir}; nothing to commit for generation ${generation}`, { parameter: 'generations', expected: 'generations whose gen_<n>.json is on disk', received: String(generation) })
    }
    plan.push({ generation, snapshot, population: parseGenerationBytes(ctx, file, snapshot.bytes, generation) })
  }
  const statsChanged = report.entries.some((e) => e.path === GENERATION_STATS_FILE && e.state !== 'deleted')
  for (const [i, { generation, snapshot, population }] of plan.entries()) {
    // The engine's statistics log changes every generation: it goes with the newest one committed now.
    const companions = await readCompanions(fs, ctx.dir, generation, { stats: statsChanged && i === plan.length - 1 })
    const saved = await saveGeneration({
      ctx,
      generation,
      population,
      ...(options.scores === undefined ? {} : { scores: options.scores }),
      ...(options.score === undefined ? {} : { score: options.score }),
      ...(options.meta === undefined ? {} : { meta: options.meta }),
      overwrite,
      verbatim: verbatimSave({ generation, file: snapshot, companions, via: options.via ?? 'add', inPlace: true }),
    })
    result.committed.push({ ...saved, companions: companions.map((c) => c.name) })
  }
  return result
}
