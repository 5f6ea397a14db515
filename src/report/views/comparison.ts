import type { ReportModel } from '../model.js'
import { esc, missing, num, table } from '../html.js'

/** View 3: the same rows as `evogit compare`. */
export async function comparisonView(model: ReportModel): Promise<string> {
  const section = model.comparison
  if (!section.available) return missing(section.reason)
  const { columns, rows } = section.data
  const numeric = new Set(columns.map((c, i) => (rows.some((r) => typeof r[c] === 'number') ? i : -1)).filter((i) => i >= 0))
  const cells = rows.map((r) => columns.map((c) => {
    const v = r[c]
    return typeof v === 'number' ? num(v) : v === null || v === undefined ? '—' : esc(String(v))
  }))
  const note = 'The rows of <code>evogit compare</code>: best ever per objective in its direction (and when), the latest generation’s best and mean, and the <code>meta</code> keys whose values differ between rows.'
  return `<p class="note">${note}</p>` + table(columns, cells, numeric)
}
