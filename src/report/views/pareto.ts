import type { ReportModel } from '../model.js'
import { branchScale, esc, figure, missing } from '../html.js'
import { renderSvg, type ChartSpec } from '../svg.js'
import { axisTitle } from './trajectories.js'

const LABEL_COLORS = { first: '#bab0ac', middle: '#76b7b2', last: '#4e79a7', best: '#e15759' } as const

/** View 4: fronts at chosen generations per branch, and hypervolume over generations. */
export async function paretoView(model: ReportModel): Promise<string> {
  const section = model.pareto
  if (!section.available) return missing(section.reason)
  const { objectives, branches, note } = section.data
  const [ox, oy] = objectives
  const parts = [`<p class="note">${esc(note)}</p>`]
  for (const b of branches) {
    const points = b.fronts.flatMap((f) => f.points.map((p) => ({ ...p, front: `${f.label} (gen ${f.generation})`, label: f.label })))
    const domain = b.fronts.map((f) => `${f.label} (gen ${f.generation})`)
    const range = b.fronts.map((f) => LABEL_COLORS[f.label as keyof typeof LABEL_COLORS] ?? '#59a14f')
    const x = { field: 'x', type: 'quantitative', title: axisTitle(ox.name, ox.direction), scale: { zero: false } } as const
    const y = { field: 'y', type: 'quantitative', title: axisTitle(oy.name, oy.direction), scale: { zero: false } } as const
    const color = { field: 'front', type: 'nominal', title: 'front', scale: { domain, range } } as const
    const spec = {
      width: 360,
      height: 280,
      title: `Pareto fronts on ${b.branch}`,
      data: { values: points },
      layer: [
        { mark: { type: 'line', interpolate: 'step-after', opacity: 0.6 }, encoding: { x, y, color, detail: { field: 'front' }, order: { field: 'x' } } },
        { name: 'front_point', mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y, color, shape: { field: 'front', type: 'nominal', legend: null } } },
      ],
    } as unknown as ChartSpec
    parts.push(figure(await renderSvg(spec, `Pareto fronts on ${b.branch}`), `${b.branch}: the non-dominated individuals at ${b.fronts.map((f) => `${f.label} generation ${f.generation}`).join(', ')}.`, { view: 'pareto-front', branch: b.branch }))
  }
  const fronts = parts.join('\n')
  parts.length = 0
  const hv = branches.flatMap((b) => b.hypervolume.map((h) => ({ branch: b.branch, generation: h.generation, value: h.value })))
  if (hv.length === 0) parts.push('<p class="note">Hypervolume: not recorded.</p>')
  else {
    const spec = {
      width: 760,
      height: 220,
      title: 'hypervolume over generations (higher is better)',
      data: { values: hv },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'generation', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'value', type: 'quantitative', title: `hypervolume of ${ox.name} × ${oy.name} (higher is better)` },
        color: { field: 'branch', type: 'nominal', scale: branchScale(model.store.branches) },
      },
    } as unknown as ChartSpec
    parts.push(figure(await renderSvg(spec, 'Hypervolume over generations'), 'Hypervolume of each generation’s front, as its commit recorded it (see the note above for the reference point).', { view: 'hypervolume' }))
  }
  return `<div class="grid">${fronts}</div>${parts.join('\n')}`
}
