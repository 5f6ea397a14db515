import type { BranchNode, ReportModel } from '../model.js'
import { branchScale, esc, figure, jsonCell, missing, num, table } from '../html.js'
import { renderSvg, type ChartSpec } from '../svg.js'

/** Row order: parents before their children, depth first, so the tree reads top-down. */
export function treeOrder(nodes: readonly BranchNode[]): { node: BranchNode; depth: number }[] {
  const names = new Set(nodes.map((n) => n.name))
  const children = new Map<string | null, BranchNode[]>()
  for (const n of nodes) {
    const parent = n.forkedFrom && names.has(n.forkedFrom.branch) ? n.forkedFrom.branch : null
    children.set(parent, [...(children.get(parent) ?? []), n])
  }
  const out: { node: BranchNode; depth: number }[] = []
  const visit = (parent: string | null, depth: number) => {
    for (const n of children.get(parent) ?? []) {
      if (out.some((o) => o.node.name === n.name)) continue
      out.push({ node: n, depth })
      visit(n.name, depth + 1)
    }
  }
  visit(null, 0)
  // A cycle in recorded forks (never written by evogit, but refs are editable) must not hide branches.
  for (const n of nodes) if (!out.some((o) => o.node.name === n.name)) out.push({ node: n, depth: 0 })
  return out
}

/** View 2: fork points, settings changes and the best value reached, as a chart and a table. */
export async function branchTreeView(model: ReportModel): Promise<string> {
  const section = model.branchTree
  if (!section.available) return missing(section.reason)
  const ordered = treeOrder(section.data)
  const row = new Map(ordered.map((o, i) => [o.node.name, i]))
  const spans: Record<string, unknown>[] = []
  const links: Record<string, unknown>[] = []
  for (const { node } of ordered) {
    const start = node.forkedFrom?.generation ?? node.firstGeneration ?? 0
    const end = node.latestGeneration ?? start
    const best = node.best ? ` · best ${num(node.best.value)} @ ${node.best.generation}` : ''
    spans.push({ branch: node.name, row: row.get(node.name), start, end, label: `${node.name}${best}`, forked: node.forkedFrom !== null })
    const parentRow = node.forkedFrom ? row.get(node.forkedFrom.branch) : undefined
    if (node.forkedFrom && parentRow !== undefined) links.push({ branch: node.name, x: start, y: parentRow, y2: row.get(node.name) })
  }
  const branches = model.store.branches
  const color = { field: 'branch', type: 'nominal', scale: branchScale(branches), legend: null } as const
  const y = { field: 'row', type: 'quantitative', axis: null, scale: { domain: [-0.6, ordered.length - 0.4], reverse: true } } as const
  const x = { field: 'start', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } } as const
  const spec = {
    width: 760,
    height: Math.max(60, ordered.length * 34),
    title: 'branches: from fork point to latest generation',
    layer: [
      { data: { values: links }, mark: { type: 'rule', strokeDash: [3, 3], color: '#8c959f' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { ...y, field: 'y' }, y2: { field: 'y2' } } },
      { data: { values: spans }, mark: { type: 'rule', strokeWidth: 4 }, encoding: { x, x2: { field: 'end' }, y, color } },
      { data: { values: spans }, name: 'fork_point', mark: { type: 'point', filled: true, size: 60 }, encoding: { x, y, color } },
      { data: { values: spans }, mark: { type: 'text', align: 'left', dx: 6, dy: -10, fontSize: 11 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as unknown as ChartSpec
  const svg = await renderSvg(spec, `Branch tree of ${ordered.length} branches`)
  const rows = ordered.map(({ node, depth }) => [
    `<span style="padding-left:${depth * 1.2}em">${depth > 0 ? '└ ' : ''}${esc(node.name)}</span>${node.current ? ' <em>(current)</em>' : ''}`,
    node.forkedFrom ? `${esc(node.forkedFrom.branch)} @ ${node.forkedFrom.generation ?? '?'}` : 'root',
    String(node.generations),
    node.best ? `${num(node.best.value)} @ ${node.best.generation}` : '—',
    node.settingsChanges.length === 0
      ? node.forkedFrom
        ? node.settingsSource === 'none'
          ? 'no own generations yet'
          : 'none'
        : '—'
      : node.settingsChanges.map((c) => `<code>${esc(c.path)}</code>: ${esc(jsonCell(c.from))} → ${esc(jsonCell(c.to))}${c.generation === null ? '' : ` (gen ${c.generation})`}`).join('<br>'),
    `<code>${esc(node.commit.slice(0, 10))}</code>`,
  ])
  return (
    figure(svg, 'Each bar runs from the branch’s fork point to its latest generation; dashed lines join a branch to the one it forked from.', { view: 'branch-tree' }) +
    table(['branch', 'forked from', 'generations', 'best reached', 'settings changes (Settings-Changed trailers)', 'tip'], rows, new Set([2]))
  )
}
