import { chooseKey, diffIndividuals } from '../model/diff.js'
import type { Sidecar } from '../model/sidecar.js'
import { primaryObjective, type ObjectiveStats, type ScoreStats } from '../model/stats.js'
import { diversityOf } from '../report/diversity.js'
import {
  absent,
  present,
  REPORT_MODEL_VERSION,
  type BranchNode,
  type BranchTrajectory,
  type DiversityData,
  type GenerationRow,
  type GenerationsTable,
  type ObjectiveInfo,
  type ReportModel,
  type SettingsChange,
  type TrajectoryPoint,
} from '../report/model.js'
import { evenSample, MAX_CHART_POINTS, MAX_TABLE_ROWS, THINNING_RULE, thinRows, thinTrajectory } from '../report/thin.js'
import type { StoreContext } from './context.js'
import type { BranchSummary, LogEntry } from './history-types.js'
import { loadGeneration } from './load-generation.js'
import { loadMetadata } from './load-metadata.js'
import { compare } from './compare.js'
import type { KnownCommit } from './compare-lines.js'
import { forkPoints } from './report-forks.js'
import { comparisonRows } from './report-sources/compare.js'
import { objectiveDirections } from './report-sources/directions.js'
import { lineageOf, type LineageInput } from './report-sources/lineage.js'
import { PARETO_SAMPLES, paretoFromStore, paretoObjectives, type ParetoInput } from './report-sources/pareto.js'
import { walkLine, type WalkedLine } from './report-walk.js'

/** Options of {@link collectReport}. */
export interface CollectReportOptions {
  ctx: StoreContext
  /** Branches, tags or commits to report on; every branch when omitted. */
  refs?: readonly string[]
  /** Generations per branch whose populations are read for the diversity view. */
  diversitySamples?: number
  title?: string
  now?: Date
}

/** One ref's own line: its generations from the fork point on, oldest first. */
interface Line {
  name: string
  summary: BranchSummary | null
  entries: LogEntry[]
  /** The settings changes its commits' trailers name, by commit. */
  settings: ReadonlyMap<string, SettingsChange[]>
}

/**
 * Builds the report's data model from commit trailers (`log`) and a few sidecars per branch
 * (fork point, first own and last generation, and a sample for the Pareto view). Populations are
 * read only for the sampled diversity view (and, where individuals carry `id` and `parents`, for
 * lineage).
 */
export async function collectReport(options: CollectReportOptions): Promise<ReportModel> {
  const { ctx } = options
  const diversitySamples = options.diversitySamples ?? 12
  const refs = options.refs && options.refs.length > 0 ? [...options.refs] : (await ctx.repo.refs.list('refs/heads/')).map((r) => r.slice('refs/heads/'.length)).sort()
  const notes: string[] = []
  const read: WalkedLine[] = []
  const known = new Map<string, KnownCommit>()
  for (const ref of refs) read.push(await walkLine(ctx, ref, known))
  const summaries = await forkPoints(ctx, read)
  const lines: Line[] = read.map((l) => {
    const summary = summaries.get(l.name) ?? null
    return { name: l.name, summary, entries: ownEntries(l.entries, summary), settings: l.settings }
  })
  const names = lines.map((l) => l.name)
  const base = {
    version: REPORT_MODEL_VERSION,
    title: options.title ?? `evogit report: ${ctx.dir.split(/[\\/]/).filter(Boolean).at(-1) ?? ctx.dir}`,
    generatedAt: (options.now ?? ctx.clock()).toISOString(),
    store: { dir: ctx.dir, branches: names, refs },
  } as const
  const totalGenerations = lines.reduce((s, l) => s + l.entries.length, 0)
  if (totalGenerations === 0) {
    const reason = refs.length === 0 ? 'the store has no branches with saved generations yet; save one with `saveGeneration` or `evogit save`.' : `no generations on ${refs.join(', ')} yet.`
    return { ...base, primaryObjective: null, notes: [reason], trajectories: absent(reason), branchTree: absent(reason), comparison: absent(reason), pareto: absent(reason), lineage: absent(reason), diversity: absent(reason), generations: absent(reason) }
  }

  const objectiveNames = [...new Set(lines.flatMap((l) => l.entries.flatMap((e) => Object.keys(e.stats))))].sort()
  const tips = new Map<string, Sidecar | null>()
  for (const line of lines) {
    const last = line.entries.at(-1)
    tips.set(line.name, last ? await loadMetadata({ ctx, generation: last.generation, ref: last.commit }) : null)
  }
  const withoutSidecar = lines.filter((l) => l.entries.length > 0 && tips.get(l.name) === null).map((l) => l.name)
  if (withoutSidecar.length > 0) notes.push(`No metadata sidecar at the latest generation of ${withoutSidecar.join(', ')} (imported from the original store, or committed by hand): settings, raw scores and Pareto fronts are unknown there.`)
  const firstTip = [...tips.values()].find((s) => s !== null) ?? null
  const primary = primaryObjective(Object.assign({}, ...lines.flatMap((l) => l.entries.map((e) => e.stats))) as ScoreStats)
  // The primary objective first: it is the one people look for.
  const objectives = objectiveDirections(objectiveNames, firstTip).sort((a, b) => Number(b.name === primary) - Number(a.name === primary))

  // 1. Trajectories, from trailers only.
  let thinned = false
  const trajectories: BranchTrajectory[] = lines.map((line) => {
    const points: Record<string, TrajectoryPoint[]> = {}
    for (const o of objectives) {
      const series = line.entries.map((e) => pointOf(e, o))
      if (series.length > MAX_CHART_POINTS) thinned = true
      points[o.name] = thinTrajectory(series, o.direction)
    }
    return { branch: line.name, points, generations: line.entries.length }
  })
  const trajectoriesData = { objectives, branches: trajectories, thinning: { maxPoints: MAX_CHART_POINTS, thinned, rule: THINNING_RULE } }

  // 2. Branch tree, with the settings changes the branch's own commits name in their trailers.
  const nodes: BranchNode[] = []
  for (const line of lines) {
    const fork = line.summary?.forkedFrom ?? null
    const own = line.entries.filter((e) => e.commit !== fork?.commit)
    const first = own[0] ?? null
    const changes: BranchNode['settingsChanges'] = []
    for (const e of own) changes.push(...(line.settings.get(e.commit) ?? []))
    const source: BranchNode['settingsSource'] = fork && first ? 'trailer' : 'none'
    const primaryInfo = objectives.find((o) => o.name === primary)
    let best: BranchNode['best'] = null
    if (primaryInfo) {
      for (const e of line.entries) {
        const v = bestOf(e.stats[primaryInfo.name])
        if (v !== null && (best === null || (primaryInfo.direction === 'max' ? v > best.value : v < best.value))) best = { objective: primaryInfo.name, value: v, generation: e.generation }
      }
    }
    nodes.push({
      name: line.name,
      current: line.summary?.current ?? false,
      commit: line.summary?.commit ?? line.entries.at(-1)?.commit ?? '',
      forkedFrom: fork,
      firstGeneration: first?.generation ?? null,
      latestGeneration: line.entries.at(-1)?.generation ?? null,
      generations: line.entries.length,
      best,
      settingsChanges: changes,
      settingsSource: source,
    })
  }

  // 4. Pareto, from the fronts the sidecars recorded and the hypervolume in the trailers.
  const pair = paretoObjectives(objectives, [...tips.values()])
  let pareto: ReportModel['pareto'] = absent(objectives.length < 2 ? `Pareto fronts need two objectives; this store records ${objectives.length === 0 ? 'none' : `only ${objectives[0]!.name}`}.` : 'no latest generation has a Pareto front recorded in its sidecar.')
  const paretoInputs: ParetoInput[] = []

  // 6 and 7. Diversity and individual-level diffs at sampled generations; generation rows from trailers.
  const diversity: DiversityData['branches'] = []
  const tables: GenerationsTable[] = []
  const lineageInputs: LineageInput[] = []
  for (const line of lines) {
    // One line's sampled sidecars (view 4) and populations are read together: they sit at the
    // same commits, whose root trees are then resolved once and found in the tree cache, which
    // holds one line's sampled trees but not every line's.
    if (pair) {
      const sidecars: { generation: number; sidecar: Sidecar }[] = []
      for (const i of evenSample(line.entries.length, PARETO_SAMPLES)) {
        const e = line.entries[i]!
        const sidecar = i === line.entries.length - 1 ? tips.get(line.name) : await loadMetadata({ ctx, generation: e.generation, ref: e.commit })
        if (sidecar) sidecars.push({ generation: e.generation, sidecar })
      }
      paretoInputs.push({ branch: line.name, entries: line.entries, sidecars })
    }
    const sampled = new Map<number, { added: number; removed: number; changed: number; unchanged: number }>()
    const points = []
    const cache = new Map<string, unknown[]>()
    const population = async (e: LogEntry) => {
      const key = `${e.commit}:${e.generation}`
      if (!cache.has(key)) cache.set(key, await loadGeneration({ ctx, generation: e.generation, ref: e.commit }))
      return cache.get(key)!
    }
    for (const i of evenSample(line.entries.length, diversitySamples)) {
      const e = line.entries[i]!
      const pop = await population(e)
      points.push(diversityOf(e.generation, pop))
      const previous = i > 0 ? line.entries[i - 1]! : null
      if (previous) {
        const before = await population(previous)
        const d = diffIndividuals(before, pop, chooseKey([before, pop], ctx.diffKey ? [ctx.diffKey] : []))
        sampled.set(e.generation, { added: d.added.length, removed: d.removed.length, changed: d.changed.length, unchanged: d.unchanged })
      }
    }
    diversity.push({ branch: line.name, points, totalGenerations: line.entries.length })
    const o = objectives.find((x) => x.name === primary) ?? null
    const rows: GenerationRow[] = line.entries.map((e, i) => {
      const s = o ? e.stats[o.name] : undefined
      const prev = i > 0 ? line.entries[i - 1]! : null
      const ps = prev && o ? prev.stats[o.name] : undefined
      const stats = s ? { best: bestOf(s), mean: s.mean, median: s.median, min: s.min, max: s.max } : null
      const sub = (a: number | null | undefined, b: number | null | undefined) => (a === null || a === undefined || b === null || b === undefined ? null : a - b)
      const individuals = sampled.get(e.generation)
      const diff = prev
        ? { best: sub(stats?.best, ps ? bestOf(ps) : null), mean: sub(s?.mean, ps?.mean), size: sub(e.populationSize, prev.populationSize), ...(individuals ? { individuals } : {}) }
        : null
      return { generation: e.generation, time: e.time, size: e.populationSize, commit: e.commit, stats, diff }
    })
    tables.push({ branch: line.name, rows: thinRows(rows, MAX_TABLE_ROWS), total: rows.length })
    const last = line.entries.at(-1)
    if (last) lineageInputs.push({ branch: line.name, ref: line.name, generation: last.generation, sidecar: tips.get(line.name) ?? null })
  }
  if (pair) {
    const data = paretoFromStore(pair, paretoInputs)
    if (data) pareto = present(data)
  }
  const lineage = await lineageOf(ctx, lineageInputs)
  const hasScores = objectives.length > 0
  const noScores = 'no generation has scores: save with `scores` (or `score`) to see trajectories.'
  return {
    ...base,
    primaryObjective: primary,
    notes,
    trajectories: hasScores ? present(trajectoriesData) : absent(noScores),
    branchTree: present(nodes),
    comparison: present(comparisonRows(await compare({ ctx, refs, known }))),
    pareto,
    lineage: lineage
      ? present(lineage)
      : absent('no lineage recorded: the latest generation of each branch was saved without `lineage` (pass `saveGeneration(n, population, { lineage })` to record who descends from whom).'),
    diversity: present({
      branches: diversity,
      sampling: `populations of up to ${diversitySamples} evenly spread generations per branch (first and last included) were read; pairwise distances use up to 64 individuals of each.`,
    }),
    generations: present(tables),
  }
}

/** A branch's own generations: from its fork point (included, so the line joins its parent's) to its tip. */
function ownEntries(all: LogEntry[], summary: BranchSummary | null): LogEntry[] {
  const fork = summary?.forkedFrom
  if (!fork) return all
  const at = all.findIndex((e) => e.commit === fork.commit)
  if (at >= 0) return all.slice(at)
  return fork.generation === null ? all : all.filter((e) => e.generation >= fork.generation!)
}

/** The recorded best (sidecar format 2 and its trailers keep `best` in the objective's direction). */
function bestOf(s: ObjectiveStats | undefined): number | null {
  return s?.best ?? null
}

function pointOf(e: LogEntry, o: ObjectiveInfo): TrajectoryPoint {
  const s = e.stats[o.name]
  return {
    generation: e.generation,
    best: bestOf(s),
    mean: s?.mean ?? null,
    median: s?.median ?? null,
    min: s?.min ?? null,
    max: s?.max ?? null,
    count: s?.count ?? null,
    failed: s?.failed ?? null,
  }
}
