import type { GenerationRow, ReportModel } from '../model.js'
import { delta, esc, missing, num, table } from '../html.js'

function individuals(row: GenerationRow): string {
  const d = row.diff?.individuals
  return d ? `+${d.added} −${d.removed} ~${d.changed}` : '—'
}

/** View 7: one row per generation and branch, with the change to the previous generation. */
export async function generationsView(model: ReportModel): Promise<string> {
  const section = model.generations
  if (!section.available) return missing(section.reason)
  const primary = model.primaryObjective ?? 'score'
  return section.data
    .map((t, i) => {
      const rows = t.rows.map((r) => [
        String(r.generation),
        esc(r.time.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')),
        r.size === null ? '—' : String(r.size),
        num(r.stats?.best),
        num(r.stats?.mean),
        num(r.stats?.median),
        `${num(r.stats?.min)} … ${num(r.stats?.max)}`,
        delta(r.diff?.best),
        delta(r.diff?.mean),
        delta(r.diff?.size),
        individuals(r),
        `<code>${esc(r.commit.slice(0, 10))}</code>`,
      ])
      const shown = t.rows.length < t.total ? ` (showing ${t.rows.length} of ${t.total}: first, last and an even spread; <code>evogit log --ref ${esc(t.branch)}</code> lists every one)` : ''
      return `<details${i === 0 ? ' open' : ''} data-branch="${esc(t.branch)}"><summary>${esc(t.branch)}: ${t.total} generations${shown}</summary>${table(
        ['gen', 'saved', 'size', `best ${primary}`, 'mean', 'median', 'min … max', 'Δ best', 'Δ mean', 'Δ size', 'individuals +added −removed ~changed', 'commit'],
        rows,
        new Set([0, 2, 3, 4, 5, 7, 8, 9]),
      )}</details>`
    })
    .join('\n') + '<p class="note">Δ columns: change to the previous generation on the branch. Individual counts come from the sampled generations whose populations were read (see Diversity); others show —.</p>'
}
