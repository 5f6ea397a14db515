import type { ReportModel, TrajectoriesData } from '../model.js'
import { branchScale, esc, figure, missing } from '../html.js'
import { renderSvg, type ChartSpec } from '../svg.js'

/** Axis title naming the objective and which way is better. */
export function axisTitle(name: string, direction: 'max' | 'min'): string {
  return `${name} (${direction}: ${direction === 'max' ? 'higher' : 'lower'} is better)`
}

/** View 1: per objective, best/mean/median lines with a min–max band, one colour per branch. */
export async function trajectoriesView(model: ReportModel): Promise<string> {
  const section = model.trajectories
  if (!section.available) return missing(section.reason)
  const data = section.data
  const parts: string[] = []
  if (data.thinning.thinned) parts.push(`<p class="note">Thinned: ${esc(data.thinning.rule)}</p>`)
  for (const objective of data.objectives) parts.push(await objectiveChart(data, objective.name, objective.direction, model.store.branches))
  parts.push(await failedChart(data, model.store.branches))
  return parts.join('\n')
}

async function objectiveChart(data: TrajectoriesData, name: string, direction: 'max' | 'min', allBranches: readonly string[]): Promise<string> {
  const band: { branch: string; generation: number; min: number; max: number }[] = []
  const lines: { branch: string; generation: number; statistic: string; value: number }[] = []
  const best: { branch: string; generation: number; value: number }[] = []
  for (const b of data.branches) {
    for (const p of b.points[name] ?? []) {
      if (p.min !== null && p.max !== null) band.push({ branch: b.branch, generation: p.generation, min: p.min, max: p.max })
      if (p.best !== null) best.push({ branch: b.branch, generation: p.generation, value: p.best })
      if (p.mean !== null) lines.push({ branch: b.branch, generation: p.generation, statistic: 'mean', value: p.mean })
      if (p.median !== null) lines.push({ branch: b.branch, generation: p.generation, statistic: 'median', value: p.median })
    }
  }
  const title = axisTitle(name, direction)
  const color = { field: 'branch', type: 'nominal', title: 'branch', scale: branchScale(allBranches), legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, symbolStrokeColor: { expr: 'scale("color", datum.value)' } } } as const
  const x = { field: 'generation', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } } as const
  const spec = {
    width: 760,
    height: 300,
    title: `${name}: best, mean and median per generation`,
    layer: [
      { data: { values: band }, mark: { type: 'area', opacity: 0.13, aria: false }, encoding: { x, y: { field: 'min', type: 'quantitative', title, scale: { zero: false } }, y2: { field: 'max' }, color } },
      {
        data: { values: lines },
        name: 'stat_line',
        mark: { type: 'line', strokeWidth: 1, opacity: 0.8, aria: false },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title },
          color,
          strokeDash: { field: 'statistic', type: 'nominal', title: 'thin lines', scale: { domain: ['mean', 'median'], range: [[4, 2], [1, 2]] } },
          detail: { field: 'branch' },
        },
      },
      { data: { values: best }, name: 'best_line', mark: { type: 'line', strokeWidth: 2.2 }, encoding: { x, y: { field: 'value', type: 'quantitative', title }, color } },
    ],
    resolve: { scale: { y: 'shared' } },
  } as unknown as ChartSpec
  const svg = await renderSvg(spec, `Trajectory of ${title} for ${data.branches.length} branches`)
  return figure(svg, `${title}. Thick line: best; dashed: mean; dotted: median; band: min to max. Each branch starts at its fork point.`, { view: 'trajectory', objective: name, direction })
}

async function failedChart(data: TrajectoriesData, allBranches: readonly string[]): Promise<string> {
  const rows: { branch: string; generation: number; failed: number }[] = []
  let known = false
  for (const b of data.branches) {
    const first = data.objectives[0]
    if (!first) continue
    // Failed evaluations are per individual, so any objective's count stands for the generation.
    for (const p of b.points[first.name] ?? []) {
      if (p.failed === null) continue
      known = true
      rows.push({ branch: b.branch, generation: p.generation, failed: p.failed })
    }
  }
  if (!known) return `<p class="note" data-view="failed">Failed evaluations: not recorded by this store (its sidecars carry no failure counts).</p>`
  const total = rows.reduce((s, r) => s + r.failed, 0)
  if (total === 0) return `<p class="note" data-view="failed">Failed evaluations: none in any generation.</p>`
  const spec = {
    width: 760,
    height: 120,
    title: 'failed evaluations per generation',
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'generation', type: 'quantitative', title: 'generation' },
      y: { field: 'failed', type: 'quantitative', title: 'failed evaluations', stack: true },
      color: { field: 'branch', type: 'nominal', scale: branchScale(allBranches) },
    },
  } as unknown as ChartSpec
  return figure(await renderSvg(spec, 'Failed evaluations per generation'), `Failed evaluations: ${total} in total.`, { view: 'failed' })
}
