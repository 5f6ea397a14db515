import type { ExportRow } from '../model/export-row.js'
import type { LineageId } from '../model/lineage.js'
import type { ObjectivesConfig } from '../model/objectives.js'
import type { LineageQueryOptions, LineageResult } from './ancestry.js'
import type { CompareOptions, CompareResult } from './compare.js'
import type { ExportRowsOptions } from './export-rows.js'
import type { ReadOptions } from './load-generation.js'
import type { OriginOptions, OriginResult } from './origin.js'
import type { ParetoOptions, ParetoResult } from './pareto.js'
import type { ReportOptions, ReportResult } from './report.js'
import type { SetObjectivesOptions, SetObjectivesResult } from './set-objectives.js'

/**
 * The analysis operations of a {@link Store}: lineage, comparing experiments, tidy rows, the
 * HTML report, objectives and Pareto fronts.
 */
export interface StoreAnalysis<T> {
  /**
   * The ancestors of an individual, as recorded with `saveGeneration(n, pop, { lineage })`: a
   * graph of nodes (generation, scores, operator) and parent → child edges, across branch forks
   * and migrants. Reads only sidecars, through a cache. See {@link ancestry}.
   * @example
   * ```ts
   * const tree = await store.ancestry('Dana #131', { depth: 5 })
   * ```
   */
  ancestry(id: LineageId, options?: LineageQueryOptions): Promise<LineageResult>

  /**
   * The descendants of an individual on a ref, the same graph in reverse. See {@link descendants}.
   * @example
   * ```ts
   * const offspring = await store.descendants('Alice #0', { generation: 0, depth: 2 })
   * ```
   */
  descendants(id: LineageId, options?: LineageQueryOptions): Promise<LineageResult>

  /**
   * The first generation in which an individual, or an identical copy of it, appeared. See {@link origin}.
   * @example
   * ```ts
   * const { first } = await store.origin('Dana #131')
   * ```
   */
  origin(id: LineageId, options?: OriginOptions): Promise<OriginResult>

  /**
   * Experiments side by side (every branch, or the refs named): fork point, latest generation,
   * best ever and latest per objective, a target's first generation, differing meta. See {@link compare}.
   *
   * @example
   * ```ts
   * const { rows } = await store.compare({ refs: ['main', 'high-mutation'], target: 'score>=0.78' })
   * ```
   */
  compare(options?: CompareOptions): Promise<CompareResult>

  /**
   * Tidy rows for analysis, streamed one generation at a time: per individual (scores and
   * fields) or per generation (every statistic). See {@link exportRows}.
   *
   * @example
   * ```ts
   * for await (const row of store.exportRows({ refs: ['main'], fields: ['name'] })) console.log(row.generation, row.score, row.name)
   * ```
   */
  exportRows(options?: ExportRowsOptions): AsyncIterable<ExportRow>

  /**
   * Writes one self-contained, offline HTML report of the run (charts drawn to SVG now, the data
   * model embedded as JSON), or with `html: false` returns only the data model. See {@link report}.
   *
   * @example
   * ```ts
   * const { path, bytes } = await store.report({ output: 'report.html' })
   * const { model } = await store.report({ refs: ['main', 'high-mutation'], html: false })
   * ```
   */
  report(options?: ReportOptions): Promise<ReportResult>

  /**
   * The objectives in force: directions, hypervolume references and the primary objective, as
   * committed in `.evogit/objectives.json` plus what `openStore` declared.
   * @example
   * ```ts
   * const { primary, objectives } = await store.objectives()
   * objectives.cost?.direction // 'min'
   * ```
   */
  objectives(options?: ReadOptions): Promise<ObjectivesConfig>

  /**
   * Declares objectives, or with `change: true` changes declared ones, in a commit of its own
   * that records the change in its message and `Objectives-Changed` trailers.
   * @example
   * ```ts
   * await store.setObjectives({ objectives: { cost: 'max' }, change: true })
   * ```
   */
  setObjectives(options: SetObjectivesOptions): Promise<SetObjectivesResult>

  /**
   * The non-dominated front of a generation with two or more objectives, each individual's rank
   * and the hypervolume (two or three objectives). See {@link pareto}.
   * @example
   * ```ts
   * const { front, hypervolume, reference } = await store.pareto(7)
   * ```
   */
  pareto(generation: number, options?: ParetoOptions): Promise<ParetoResult<T>>
}
