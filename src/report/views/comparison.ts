import type { ReportModel } from '../model.js'
import { esc, missing, num, table } from '../html.js'

/** View 3: the same rows as `evogit compare`. */
export async function comparisonView(model: ReportModel): Promise<string> {
  const section = model.comparison
  if (!section.available) return missing(section.reason)
  const { columns, rows, source } = section.data
  const numeric = new Set(columns.map((c, i) => (rows.some((r) => typeof r[c] === 'number') ? i : -1)).filter((i) => i >= 0))
  const cells = rows.map((r) => columns.map((c) => {
    const v = r[c]
    return typeof v === 'number' ? num(v) : v === null || v === undefined ? '—' : esc(String(v))
  }))
  const note = source === 'compare' ? 'Rows from <code>evogit compare</code>.' : 'Summary of each branch from its commit trailers (the store has no <code>compare</code> data beyond this).'
  return `<p class="note">${note}</p>` + table(columns, cells, numeric)
}
