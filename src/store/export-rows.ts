import { InvalidArgumentError } from '../errors/index.js'
import { fieldCell, fieldColumns, INDIVIDUAL_COLUMNS, leafPaths, statCells, type ExportRow } from '../model/export-row.js'
import { resolveRef, type StoreContext } from './context.js'
import type { LogEntry } from './history-types.js'
import { CorruptGenerationError } from '../errors/index.js'
import { generationFileName, sidecarPath } from '../model/generation-id.js'
import { sidecarSchema, upgradeSidecar } from '../model/sidecar.js'
import { decodeGeneration } from './load-generation.js'
import { parseStoredJson } from './read-helpers.js'
import { log } from './log.js'

/** Options of `store.exportRows`. */
export interface ExportRowsOptions {
  /** Branches, tags or commits to export, one after the other. Default: the current branch. */
  refs?: readonly string[]
  /**
   * Dotted paths of individual fields to include (`name`, `personality_traits.openness`).
   * Default: every leaf of the first individual exported. Ignored with `per: 'generation'`.
   */
  fields?: readonly string[]
  /** `individual` (default): one row per generation × individual. `generation`: one row per generation with every statistic. */
  per?: 'individual' | 'generation'
}

/** The arguments of {@link exportRows}: its options plus the store and the positional arguments. */
export interface ExportRowsCall<T> extends ExportRowsOptions {
  ctx: StoreContext<T>
}

/**
 * Tidy rows for analysis, streamed: with `per: 'individual'`, one row per generation ×
 * individual with `branch`, `commit`, `generation`, `index`, every objective's score and the
 * selected fields; with `per: 'generation'`, one row per generation with `time`,
 * `populationSize` and `<objective>.<stat>` for best, count, min, max, mean, median and stdev
 * (from commit trailers, no file read). Generations come oldest first. Every row has the same
 * keys in the same order (missing values are `null`), so the first row's keys are the header.
 *
 * Memory holds one generation at a time, plus one small entry per generation of the ref's
 * index: a 1000 × 100 export does not grow with the number of generations. Each generation is
 * read as the ref's tip has it (the version its newest save wrote).
 *
 * @throws RefNotFoundError for a ref that does not resolve, InvalidArgumentError for a bad `per` or `fields`.
 *
 * @example
 * ```ts
 * for await (const row of store.exportRows({ refs: ['main', 'high-mutation'], fields: ['name', 'personality_traits.openness'] })) {
 *   console.log(row.branch, row.generation, row.score, row['personality_traits.openness'])
 * }
 * ```
 */
export async function* exportRows<T>(options: ExportRowsCall<T>): AsyncGenerator<ExportRow, void, undefined> {
  const { ctx, per = 'individual' } = options
  if (per !== 'individual' && per !== 'generation') {
    throw new InvalidArgumentError(`\`per\` must be 'individual' or 'generation', received ${JSON.stringify(per)}`, { parameter: 'per', expected: "'individual' | 'generation'", received: String(per) })
  }
  for (const f of options.fields ?? []) {
    if (typeof f !== 'string' || f === '' || f.split('.').some((p) => p === '')) {
      throw new InvalidArgumentError(`\`fields\` holds ${JSON.stringify(f)}, not a dotted field path`, { parameter: 'fields', expected: 'dotted paths such as personality_traits.openness', received: JSON.stringify(f) })
    }
  }
  // The index first (trailers only): which generations, at which commits, and which objectives.
  const refs = options.refs && options.refs.length > 0 ? options.refs : [(await resolveRef(ctx)).name]
  const indexes: { ref: string; tip: string; entries: LogEntry[] }[] = []
  for (const ref of refs) {
    // The tip is resolved once, so a save racing with the export cannot mix two states.
    const { commit: tip } = await resolveRef(ctx, ref)
    if (tip) indexes.push({ ref, tip, entries: (await log({ ctx, ref: tip })).reverse() })
  }
  const objectives = [...new Set(indexes.flatMap(({ entries }) => entries.flatMap((e) => Object.keys(e.stats))))].sort()

  if (per === 'generation') {
    for (const { ref, entries } of indexes) {
      for (const e of entries) yield { branch: ref, commit: e.commit, generation: e.generation, time: e.time, populationSize: e.populationSize, ...statCells(e.stats, objectives) }
    }
    return
  }

  let fields = options.fields ? [...options.fields] : null
  let columns: string[] | null = null
  for (const { ref, tip, entries } of indexes) {
    // Each generation's file is found in the tip's tree, read once: looking it up in every
    // generation's own root tree would fill the tree cache with trees that grow with history.
    const tree = (await ctx.repo.readCommit(tip)).tree
    for (const e of entries) {
      const file = generationFileName(e.generation)
      const [populationEntry, sidecarEntry] = await Promise.all([ctx.repo.entryAt(tree, file), ctx.repo.entryAt(tree, sidecarPath(e.generation))])
      if (!populationEntry || populationEntry.mode === '40000') continue
      const where = { generation: e.generation, commit: e.commit, file }
      const population = decodeGeneration(ctx, await ctx.repo.objects.readTyped(populationEntry.oid, 'blob'), where)
      if (population.length === 0) continue
      const scores = sidecarEntry ? decodeScores(await ctx.repo.objects.readTyped(sidecarEntry.oid, 'blob'), { ...where, file: sidecarPath(e.generation) }) : {}
      fields ??= leafPaths(population[0])
      columns ??= fieldColumns(fields, [...INDIVIDUAL_COLUMNS, ...objectives])
      for (let i = 0; i < population.length; i++) {
        const row: ExportRow = { branch: ref, commit: e.commit, generation: e.generation, index: i }
        for (const name of objectives) row[name] = scores[name]?.[i] ?? null
        for (let f = 0; f < fields.length; f++) row[columns[f]!] = fieldCell(population[i], fields[f]!)
        yield row
      }
    }
  }
}

/** The raw scores of a sidecar read from a commit; a bad sidecar is E_CORRUPT_GENERATION naming it. */
function decodeScores(bytes: Buffer, where: { generation: number; commit: string; file: string }): Record<string, (number | null)[]> {
  // Format 1 sidecars are upgraded as loadMetadata does; a failed evaluation's score is null.
  const parsed = sidecarSchema.safeParse(upgradeSidecar(parseStoredJson(bytes, where)))
  if (!parsed.success) throw new CorruptGenerationError(`${where.file} in commit ${where.commit} is not a valid sidecar`, where, { cause: parsed.error })
  return parsed.data.scores
}
