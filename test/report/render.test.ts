import { describe, expect, it } from 'vitest'
import { renderReport } from '../../src/report/render.js'
import { diversityOf } from '../../src/report/diversity.js'
import { evenSample, MAX_CHART_POINTS, thinRows, thinTrajectory } from '../../src/report/thin.js'
import { REPORT_VIEWS, type ReportModel } from '../../src/report/model.js'
import { settingsChangesOf } from '../../src/store/report-sources/settings.js'
import { emptyModel, fullModel, series } from './models.js'

/** The `<section>` of one view. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`)
  expect(start, `section ${id}`).toBeGreaterThanOrEqual(0)
  return html.slice(start, html.indexOf('</section>', start))
}

/** The number of vertices of each SVG path inside the groups of a named Vega mark. */
function lineVertices(svg: string, markName: string): number[] {
  const out: number[] = []
  const re = new RegExp(`<g class="mark-line role-mark ${markName}_marks"[^>]*>(.*?)</g>`, 'g')
  for (const m of svg.matchAll(re)) for (const d of m[1]!.matchAll(/ d="([^"]*)"/g)) out.push((d[1]!.match(/[ML]/g) ?? []).length)
  return out
}

function embedded(html: string): ReportModel {
  const m = /<script type="application\/json" id="evogit-report-data">(.*?)<\/script>/s.exec(html)
  expect(m).not.toBeNull()
  return JSON.parse(m![1]!) as ReportModel
}

describe('report renderer', () => {
  it('renders every view of a full model, with the model embedded as JSON and nothing fetched', async () => {
    const model = fullModel()
    const html = await renderReport(model)
    for (const id of REPORT_VIEWS) expect(section(html, id)).toContain('data-available="true"')
    expect(embedded(html)).toEqual(model)
    // Offline by construction: no script to run, no external URL to load.
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`)
    expect(html).not.toMatch(/<script(?![^>]*application\/json)/)
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(html).not.toMatch(/@import|url\((?!#)/)
    // Titles are escaped.
    expect(html).toContain('<title>test &lt;report&gt; &amp; co</title>')
  })

  it('draws one best line per branch, with one vertex per generation, on axes that name the direction', async () => {
    const html = await renderReport(fullModel({ mainGenerations: 30, wideGenerations: 20, fork: 10 }))
    const trajectories = section(html, 'trajectories')
    const figures = [...trajectories.matchAll(/<figure class="chart" data-view="trajectory" data-objective="(\w+)" data-direction="(\w+)">(.*?)<\/figure>/gs)]
    expect(figures.map((f) => [f[1], f[2]])).toEqual([
      ['accuracy', 'max'],
      ['loss', 'min'],
    ])
    for (const f of figures) expect(lineVertices(f[3]!, 'best_line')).toEqual([30, 20])
    expect(figures[0]![3]).toContain('accuracy (max: higher is better)')
    expect(figures[1]![3]).toContain('loss (min: lower is better)')
    // Both branches appear in the legend, and failed evaluations get their own chart.
    expect(figures[0]![3]).toMatch(/>main<\/text>/)
    expect(figures[0]![3]).toMatch(/>wide<\/text>/)
    expect(trajectories).toContain('data-view="failed"')
    expect(trajectories).toMatch(/Failed evaluations: \d+ in total/)
  })

  it('thins a 1000-generation branch to the documented number of points and says so', async () => {
    const html = await renderReport(fullModel({ mainGenerations: 1000, wideGenerations: 50 }))
    const trajectories = section(html, 'trajectories')
    expect(trajectories).toContain('Thinned:')
    const f = /data-objective="accuracy"[^>]*>(.*?)<\/figure>/s.exec(trajectories)![1]!
    expect(lineVertices(f, 'best_line')).toEqual([MAX_CHART_POINTS, 50])
  })

  it('draws the branch tree, the Pareto fronts with hypervolume, the lineage nodes, diversity and the tables', async () => {
    const html = await renderReport(fullModel())
    const tree = section(html, 'branchTree')
    expect(tree).toContain('data-view="branch-tree"')
    expect(tree).toContain('<code>mutationRate</code>: 0.1 → 0.5 (gen 11)')
    expect(tree).toMatch(/main @ 10/)
    const pareto = section(html, 'pareto')
    expect(pareto).toContain('data-view="pareto-front" data-branch="main"')
    expect(pareto).toContain('first (gen 0)')
    expect(pareto).toContain('last (gen 29)')
    expect(pareto).toContain('data-view="hypervolume"')
    expect((pareto.match(/class="mark-symbol role-mark front_point_marks"/g) ?? []).length).toBe(1)
    const lineage = section(html, 'lineage')
    expect(lineage).toContain('data-nodes="ind-1 ind-5 ind-6 ind-9"')
    for (const id of ['ind-1', 'ind-5', 'ind-6', 'ind-9 (crossover)']) expect(lineage).toContain(`>${id}</text>`)
    expect(section(html, 'diversity')).toContain('Sampled: 2 of 30 generations')
    expect(section(html, 'comparison')).toContain('The rows of <code>evogit compare</code>')
    const generations = section(html, 'generations')
    expect(generations).toContain('+3 −3 ~2')
    expect(generations).toContain('+0.5')
  })

  it('renders a readable page, saying what is missing, when every section is absent', async () => {
    const html = await renderReport(emptyModel('nothing saved yet'))
    for (const id of REPORT_VIEWS) {
      const s = section(html, id)
      expect(s).toContain('data-available="false"')
      expect(s).toContain('<strong>Not available:</strong> nothing saved yet')
    }
    expect(html).not.toContain('<svg')
  })
})

describe('report helpers', () => {
  it('reads every Settings-Changed trailer of a commit, JSON values, absent and cut values included', () => {
    const message = [
      'generation 4: best 0.9, mean 0.5 (6 individuals)',
      '',
      'Generation: 4',
      'Settings-Changed: mutationRate 0.1→0.5',
      'Settings-Changed: label "a→b"→"c"',
      'Settings-Changed: selection.tournament (absent)→3',
      'Settings-Changed: notes "long…→"short"',
    ].join('\n')
    expect(settingsChangesOf(message, 4)).toEqual([
      { path: 'mutationRate', from: 0.1, to: 0.5, generation: 4 },
      { path: 'label', from: 'a→b', to: 'c', generation: 4 },
      { path: 'selection.tournament', from: '(absent)', to: 3, generation: 4 },
      { path: 'notes', from: '"long…', to: 'short', generation: 4 },
    ])
    // A line in the body is not a trailer.
    expect(settingsChangesOf('subject\n\nSettings-Changed: a 1→2\n\nnot: a trailer block here', 1)).toEqual([])
  })

  it('thins by the documented rule: the band keeps every extreme and the best of each run', () => {
    const points = series(0, 2000, 'min')
    points[7]!.min = -100
    const thin = thinTrajectory(points, 'min', 100)
    expect(thin).toHaveLength(100)
    expect(thin[0]!.min).toBe(-100)
    expect(thin[0]!.merged).toBe(20)
    expect(thin[0]!.generation).toBe(19)
    expect(thin.at(-1)!.generation).toBe(1999)
    expect(thin[0]!.best).toBe(Math.min(...points.slice(0, 20).map((p) => p.best!)))
    expect(thinTrajectory(points.slice(0, 50), 'min', 100)).toEqual(points.slice(0, 50))
    const rows = thinRows(Array.from({ length: 1000 }, (_, i) => i), 200)
    expect(rows).toHaveLength(200)
    expect(rows[0]).toBe(0)
    expect(rows.at(-1)).toBe(999)
    expect(evenSample(100, 5)).toEqual([0, 25, 50, 74, 99])
    expect(evenSample(3, 5)).toEqual([0, 1, 2])
    expect(evenSample(3, 0)).toEqual([])
  })

  it('measures diversity by content and by numeric distance', () => {
    const d = diversityOf(4, [{ a: 0, b: { c: 0 } }, { b: { c: 0 }, a: 0 }, { a: 3, b: { c: 4 } }, { a: 3, b: { c: 4 } }])
    expect(d.distinct).toBe(2)
    // Pairs: 2 of distance 0, 4 of distance 5: mean 20 / 6.
    expect(d.meanDistance).toBeCloseTo(20 / 6)
    expect(diversityOf(0, [{ name: 'x' }, { name: 'y' }]).meanDistance).toBeNull()
  })
})
