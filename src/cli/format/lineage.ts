import type { LineageGraph, LineageNode } from '../../model/lineage-graph.js'
import type { Style } from './color.js'
import { formatScore } from './numbers.js'

/** The output formats of `evogit lineage`. */
export const LINEAGE_FORMATS = ['text', 'json', 'dot', 'mermaid'] as const
export type LineageFormat = (typeof LINEAGE_FORMATS)[number]

/** The objective a node is labelled with: `score` when present, else the first by name. */
function headline(node: LineageNode): string | null {
  const names = Object.keys(node.scores).sort()
  return 'score' in node.scores ? 'score' : (names[0] ?? null)
}

function facts(node: LineageNode): string[] {
  const objective = headline(node)
  return [
    `generation ${node.generation}${node.ref === null ? '' : ` on ${node.ref}`}`,
    ...(objective === null || node.missing ? [] : [`${objective} ${formatScore(node.scores[objective])}`]),
    ...(node.op ? [node.op] : []),
  ]
}

/** Who to print under a node: its parents for ancestry, its children for descendants, in recorded order. */
function nextOf(graph: LineageGraph): Map<string, string[]> {
  const next = new Map<string, string[]>()
  for (const e of graph.edges) {
    const [from, to] = graph.direction === 'ancestry' ? [e.child, e.parent] : [e.parent, e.child]
    const list = next.get(from) ?? []
    list.push(to)
    next.set(from, list)
  }
  return next
}

/**
 * An indented tree for a terminal, root first: each individual with its generation, headline
 * score and operator. An individual reached a second time (shared ancestry) is printed once in
 * full and then referred to, so the output stays as long as the graph, not its unfolded tree.
 *
 * @example
 * ```ts
 * process.stdout.write(renderLineageText({ graph: await store.ancestry('e'), style }))
 * ```
 */
export function renderLineageText(options: { graph: LineageGraph; style: Style }): string {
  const { graph, style } = options
  const nodes = new Map(graph.nodes.map((n) => [n.key, n]))
  const next = nextOf(graph)
  const shown = new Set<string>()
  const lines: string[] = []
  const visit = (key: string, prefix: string, branch: string) => {
    const node = nodes.get(key)!
    const label = `${branch}${style.bold(String(node.id))}  ${style.dim(facts(node).join(' · '))}`
    if (shown.has(key)) {
      lines.push(`${prefix}${label}  ${style.dim('(see above)')}`)
      return
    }
    shown.add(key)
    const notes = [node.missing ? style.red('(missing: not in the store)') : '', node.truncated ? style.dim('(more beyond --depth)') : ''].filter(Boolean)
    lines.push(`${prefix}${label}${notes.length > 0 ? `  ${notes.join(' ')}` : ''}`)
    const children = next.get(key) ?? []
    const inner = prefix + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ')
    children.forEach((child, i) => visit(child, inner, i === children.length - 1 ? '└─ ' : '├─ '))
  }
  visit(graph.root, '', '')
  const generations = new Set(graph.nodes.map((n) => `${n.ref ?? ''}:${n.generation}`)).size
  lines.push(style.dim(`${graph.nodes.length} individuals in ${generations} generations`))
  return lines.join('\n') + '\n'
}

/** A DOT string literal: backslashes and quotes escaped, line breaks as DOT's `\n`. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`
}

/**
 * Graphviz DOT: one box per individual (id, generation, score, operator), one edge per parent →
 * child link, individuals of a generation on one rank. `dot -Tsvg` draws it.
 *
 * @example
 * ```sh
 * evogit lineage 'Lena #139' --format dot | dot -Tsvg > lineage.svg
 * ```
 */
export function renderLineageDot(graph: LineageGraph): string {
  const lines = ['digraph lineage {', '  rankdir=BT;', '  node [shape=box, style=rounded, fontname="Helvetica"];']
  for (const n of graph.nodes) {
    const attrs = [`label=${dotString([String(n.id), ...facts(n)].join('\n'))}`]
    if (n.key === graph.root) attrs.push('penwidth=2')
    if (n.missing) attrs.push('style=dashed')
    lines.push(`  ${dotString(n.key)} [${attrs.join(', ')}];`)
  }
  const ranks = new Map<string, string[]>()
  for (const n of graph.nodes) {
    const rank = `${n.generation}`
    ranks.set(rank, [...(ranks.get(rank) ?? []), dotString(n.key)])
  }
  for (const members of ranks.values()) if (members.length > 1) lines.push(`  { rank=same; ${members.join('; ')}; }`)
  for (const e of graph.edges) lines.push(`  ${dotString(e.parent)} -> ${dotString(e.child)};`)
  lines.push('}')
  return lines.join('\n') + '\n'
}

/** Mermaid label text: quotes and angle brackets as Mermaid's entity codes, line breaks as `<br/>`. */
function mermaidText(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\r?\n/g, ' ')
}

/**
 * A Mermaid flowchart, for Markdown that renders it (GitHub, GitLab, many wikis): paste it in a
 * ```` ```mermaid ```` block. Nodes get plain ids (`n0`, `n1`, …) so no individual's id can
 * break the syntax.
 */
export function renderLineageMermaid(graph: LineageGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.key, `n${i}`]))
  const lines = ['flowchart BT']
  for (const n of graph.nodes) {
    const label = [String(n.id), ...facts(n)].map(mermaidText).join('<br/>')
    lines.push(`  ${ids.get(n.key)!}["${label}"]`)
  }
  for (const e of graph.edges) lines.push(`  ${ids.get(e.parent)!} --> ${ids.get(e.child)!}`)
  return lines.join('\n') + '\n'
}
