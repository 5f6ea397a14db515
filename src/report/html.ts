import { shortNumber } from '../model/commit-message.js'

/** Escapes text for HTML element content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** A number as people read it: four significant digits, `—` when unknown. */
export function num(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : shortNumber(value)
}

/** A signed change, `+0.12` or `−3`, `—` when unknown. */
export function delta(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  if (value === 0) return '0'
  return value > 0 ? `+${shortNumber(value)}` : `−${shortNumber(-value)}`
}

/** A compact rendering of any JSON value for table cells. */
export function jsonCell(value: unknown): string {
  if (value === undefined) return '—'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

/** A table; `cells` are already escaped HTML. Wrapped so a wide table scrolls inside itself on a phone. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], numericColumns: ReadonlySet<number> = new Set()): string {
  const head = headers.map((h, i) => `<th${numericColumns.has(i) ? ' class="n"' : ''}>${esc(h)}</th>`).join('')
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numericColumns.has(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`).join('\n')
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`
}

/** The box a view shows when its data is missing. */
export function missing(reason: string): string {
  return `<p class="missing" role="note"><strong>Not available:</strong> ${esc(reason)}</p>`
}

/** A figure around a rendered chart, tagged with what it shows so tests and readers can find it. */
export function figure(svg: string, caption: string, attrs: Record<string, string>): string {
  const data = Object.entries(attrs)
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('')
  return `<figure class="chart"${data}>${svg}<figcaption>${esc(caption)}</figcaption></figure>`
}

/** Ten colours that stay apart for colour-blind readers (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac']

/** A Vega-Lite colour scale giving each branch the same colour in every chart. */
export function branchScale(branches: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...branches], range: branches.map((_, i) => PALETTE[i % PALETTE.length]!) }
}
