import type { ReportModel, ReportView } from './model.js'
import { esc } from './html.js'
import { branchTreeView } from './views/branch-tree.js'
import { comparisonView } from './views/comparison.js'
import { diversityView } from './views/diversity.js'
import { generationsView } from './views/generations.js'
import { lineageView } from './views/lineage.js'
import { paretoView } from './views/pareto.js'
import { trajectoriesView } from './views/trajectories.js'

const VIEWS: { id: ReportView; title: string; render: (m: ReportModel) => Promise<string> }[] = [
  { id: 'trajectories', title: 'Trajectories', render: trajectoriesView },
  { id: 'branchTree', title: 'Branch tree', render: branchTreeView },
  { id: 'comparison', title: 'Comparison', render: comparisonView },
  { id: 'pareto', title: 'Pareto front', render: paretoView },
  { id: 'lineage', title: 'Lineage', render: lineageView },
  { id: 'diversity', title: 'Population diversity', render: diversityView },
  { id: 'generations', title: 'Generations', render: generationsView },
]

const CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1100px;margin:0 auto;padding:0 16px}
header{padding-top:20px;border-bottom:1px solid var(--line)}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 8px;padding-top:8px;border-top:1px solid var(--line)}
nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0 12px}nav a{color:#0969da;text-decoration:none}
.meta,.note,figcaption{color:var(--muted);font-size:.9em}
.missing{background:var(--soft);border:1px solid var(--line);border-left:4px solid #bf8700;padding:8px 12px;border-radius:4px}
figure{margin:12px 0;min-width:0}figure svg{display:block;width:100%;height:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:8px 24px}
.grid>p{grid-column:1/-1}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.85em;margin:6px 0}th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
td:nth-child(5){white-space:normal}th{background:var(--soft)}.n{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.9em}details{margin:8px 0}summary{cursor:pointer;font-weight:600}
ul.notes{margin:4px 0 12px;padding-left:20px}
`

/**
 * Renders a report model as one self-contained HTML page: every chart is an inline SVG drawn
 * now, the model itself is embedded as JSON (`<script type="application/json" id="evogit-report-data">`),
 * and a Content-Security-Policy forbids the page from loading anything, so it reads the same
 * offline as online. No script runs in the page.
 */
export async function renderReport(model: ReportModel): Promise<string> {
  const sections: string[] = []
  for (const view of VIEWS) {
    const section = model[view.id]
    const body = await view.render(model)
    sections.push(`<section id="${view.id}" data-view="${view.id}" data-available="${section.available}"><h2>${esc(view.title)}</h2>\n${body}\n</section>`)
  }
  const notes = model.notes.length === 0 ? '' : `<ul class="notes">${model.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
  const json = JSON.stringify(model).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(model.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(model.title)}</h1>
<p class="meta">${esc(`${model.store.refs.length} ${model.store.refs.length === 1 ? 'ref' : 'refs'}: ${model.store.refs.join(', ') || 'none'} · primary objective: ${model.primaryObjective ?? 'none'} · generated ${model.generatedAt} by evogit`)}</p>
${notes}<nav>${VIEWS.map((v) => `<a href="#${v.id}">${esc(v.title)}</a>`).join('')}</nav>
</header>
<main>
${sections.join('\n')}
</main>
<script type="application/json" id="evogit-report-data">${json}</script>
</body>
</html>
`
}
