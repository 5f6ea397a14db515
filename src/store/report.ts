import { resolve } from 'node:path'
import { InvalidArgumentError } from '../errors/index.js'
import { writeFileAtomic } from '../io/atomic.js'
import type { StoreFs } from '../io/fs.js'
import type { ReportModel } from '../report/model.js'
import { renderReport } from '../report/lazy.js'
import type { StoreContext } from './context.js'
import { collectReport } from './report-collect.js'

/** Options of `store.report`. */
export interface ReportOptions {
  /** Branches, tags or commits to include; every branch when omitted. */
  refs?: readonly string[]
  /** Where to write the HTML file (relative to the current directory); nothing is written when omitted. */
  output?: string
  /** `false` skips rendering and returns only the data model (what `evogit report --json` prints). */
  html?: boolean
  /** Generations per branch whose populations are sampled for the diversity view (default 12). */
  diversitySamples?: number
  /** The page title. */
  title?: string
}

/** The arguments of {@link report}: its options plus the store and the positional arguments. */
export interface ReportCall extends ReportOptions {
  ctx: StoreContext
  fs: StoreFs
}

/** What {@link report} produced. */
export interface ReportResult {
  /** The data model behind every view; the same JSON is embedded in the HTML. */
  model: ReportModel
  /** The HTML page, or `null` with `html: false`. */
  html: string | null
  /** The absolute path written, or `null` when no `output` was given. */
  path: string | null
  /** Size of the HTML in bytes (0 without HTML). */
  bytes: number
}

/**
 * Builds the run's report: trajectories, branch tree, comparison, Pareto fronts, lineage,
 * diversity and the generations table, as one self-contained HTML page whose charts are SVG drawn
 * now (Vega-Lite, headless) and which loads nothing from anywhere. Each view says when the store
 * lacks its data. The file is written atomically, so a reader never sees half a report.
 *
 * @example
 * ```ts
 * const { path, model } = await store.report({ output: 'report.html' })
 * model.trajectories.available // true once any generation has scores
 * ```
 */
export async function report(options: ReportCall): Promise<ReportResult> {
  const { ctx, fs, output } = options
  if (options.refs !== undefined && (!Array.isArray(options.refs) || options.refs.some((r) => typeof r !== 'string' || r.length === 0))) {
    throw new InvalidArgumentError('`refs` must be an array of branch, tag or commit names', { parameter: 'refs', expected: 'string[]', received: JSON.stringify(options.refs) })
  }
  if (output !== undefined && (typeof output !== 'string' || output.length === 0)) {
    throw new InvalidArgumentError('`output` must be a file path', { parameter: 'output', expected: 'a non-empty string', received: String(output) })
  }
  const d = options.diversitySamples
  if (d !== undefined && (!Number.isSafeInteger(d) || d < 0)) {
    throw new InvalidArgumentError(`\`diversitySamples\` must be a non-negative integer, received ${String(d)}`, { parameter: 'diversitySamples', expected: 'a non-negative integer', received: String(d) })
  }
  const model = await collectReport({
    ctx,
    ...(options.refs ? { refs: options.refs } : {}),
    ...(d === undefined ? {} : { diversitySamples: d }),
    ...(options.title === undefined ? {} : { title: options.title }),
  })
  if (options.html === false) return { model, html: null, path: null, bytes: 0 }
  // Reading is done: let the git layer's pack caches (up to 16 MB of resolved deltas, and the pack itself) go before
  // Vega needs its memory. Forgetting caches is always safe; they refill on the next read.
  ctx.repo.objects.forgetPacks()
  const html = await renderReport(model)
  let path: string | null = null
  if (output !== undefined) {
    path = resolve(output)
    await writeFileAtomic(fs, path, html, { sync: false })
  }
  return { model, html, path, bytes: Buffer.byteLength(html) }
}
