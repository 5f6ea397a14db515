import type { LineageData, ReportModel } from '../model.js'
import { esc, figure, missing, num } from '../html.js'
import { renderSvg, type ChartSpec } from '../svg.js'

/** Lays a lineage out: x is the generation, y the individual's lane within its generation. */
export function layoutLineage(graph: LineageData['branches'][number]): { nodes: (LineageData['branches'][number]['nodes'][number] & { lane: number })[]; edges: { x: number; y: number; x2: number; y2: number }[] } {
  const lanes = new Map<number, number>()
  const nodes = [...graph.nodes]
    .sort((a, b) => a.generation - b.generation || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((n) => {
      const lane = lanes.get(n.generation) ?? 0
      lanes.set(n.generation, lane + 1)
      return { ...n, lane }
    })
  // Edges name nodes by key: the same id may stand for different individuals in two generations.
  const at = new Map(nodes.map((n) => [n.key, n]))
  const edges = graph.edges.flatMap((e) => {
    const a = at.get(e.from)
    const b = at.get(e.to)
    return a && b ? [{ x: a.generation, y: a.lane, x2: b.generation, y2: b.lane }] : []
  })
  return { nodes, edges }
}

/** Above this many nodes a lineage graph labels only its root. */
export const MAX_LABELLED_NODES = 36

/** A node's label: its id, the other ref it lives on, the operator that made it, and whether the store lacks it. */
export function nodeLabel(n: LineageData['branches'][number]['nodes'][number]): string {
  return `${n.id}${n.ref ? ` @${n.ref}` : ''}${n.operator ? ` (${n.operator})` : ''}${n.missing ? ' (missing)' : ''}`
}

/** View 5: the ancestry of each branch's best final individual, as a graph. */
export async function lineageView(model: ReportModel): Promise<string> {
  const section = model.lineage
  if (!section.available) return missing(section.reason)
  const parts: string[] = []
  for (const graph of section.data.branches) {
    const { nodes, edges } = layoutLineage(graph)
    const lanes = Math.max(1, ...nodes.map((n) => n.lane + 1))
    const labelled = nodes.map((n) => ({ ...n, text: nodeLabel(n) }))
    // Labels of a dense graph overlap into noise: then only the best individual is labelled.
    const dense = nodes.length > MAX_LABELLED_NODES
    const rootKey = nodes.filter((n) => n.id === graph.root).sort((a, b) => b.generation - a.generation)[0]?.key
    const x = { field: 'generation', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } } as const
    const y = { field: 'lane', type: 'quantitative', axis: null, scale: { domain: [-0.7, lanes - 0.3] } } as const
    const spec = {
      width: 760,
      height: Math.max(90, lanes * 44),
      title: `ancestry of ${graph.root} (best of the last generation on ${graph.branch})`,
      layer: [
        { data: { values: edges }, mark: { type: 'rule', color: '#8c959f' }, encoding: { x: { field: 'x', type: 'quantitative' }, x2: { field: 'x2' }, y: { ...y, field: 'y' }, y2: { field: 'y2' } } },
        {
          data: { values: labelled },
          name: 'lineage_node',
          mark: { type: 'point', filled: true, size: 90 },
          // Every node names itself (its SVG aria-label), even where the graph is too dense to print labels.
          encoding: { x, y, color: { field: 'score', type: 'quantitative', title: 'score', scale: { scheme: 'viridis' } }, shape: { value: 'circle' }, description: { field: 'text' } },
        },
        { data: { values: dense ? labelled.filter((n) => n.key === rootKey) : labelled }, name: 'lineage_label', mark: { type: 'text', dy: -12, fontSize: 10 }, encoding: { x, y, text: { field: 'text' } } },
      ],
    } as unknown as ChartSpec
    const caption = `${graph.branch}: ${nodes.length} ancestors of ${graph.root} over ${new Set(nodes.map((n) => n.generation)).size} generations${graph.truncated ? ' (cut off at the depth limit)' : ''}${dense ? `; too many to label, so only ${graph.root} is (each node carries its id as its accessible label, and \`evogit lineage\` prints the tree)` : ''}. Best score in the graph: ${num(Math.max(...nodes.map((n) => n.score ?? -Infinity)))}.`
    parts.push(figure(await renderSvg(spec, `Lineage of ${graph.root}`), caption, { view: 'lineage', branch: graph.branch, root: graph.root, nodes: nodes.map((n) => n.id).join(' ') }))
  }
  return parts.length === 0 ? missing('no branch has individuals with recorded parents') : parts.join('\n') + `<p class="note">Nodes are individuals (ids), edges lead from parent to child; ${esc('colour shows the primary score')}.</p>`
}
