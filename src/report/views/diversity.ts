import type { ReportModel } from '../model.js'
import { branchScale, esc, figure, missing } from '../html.js'
import { renderSvg, type ChartSpec } from '../svg.js'

/** View 6: distinct individuals and mean pairwise distance at sampled generations. */
export async function diversityView(model: ReportModel): Promise<string> {
  const section = model.diversity
  if (!section.available) return missing(section.reason)
  const rows = section.data.branches.flatMap((b) => b.points.map((p) => ({ branch: b.branch, ...p, distinctShare: p.size === 0 ? 0 : p.distinct / p.size })))
  const scale = branchScale(model.store.branches)
  const chart = async (field: string, title: string) => {
    const values = rows.filter((r) => (r as Record<string, unknown>)[field] !== null)
    if (values.length === 0) return `<p class="note">${esc(title)}: no numeric fields in the individuals.</p>`
    const spec = {
      width: 360,
      height: 200,
      title,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'generation', type: 'quantitative', title: 'generation (sampled)', axis: { tickMinStep: 1, format: 'd' } },
        y: { field, type: 'quantitative', title },
        color: { field: 'branch', type: 'nominal', scale },
      },
    } as unknown as ChartSpec
    return figure(await renderSvg(spec, title), `${title}, at sampled generations.`, { view: 'diversity', measure: field })
  }
  return `<p class="note">Sampled: ${esc(section.data.sampling)}</p><div class="grid">${await chart('distinct', 'distinct individuals (by content)')}${await chart('meanDistance', 'mean pairwise distance of numeric fields')}</div>`
}
