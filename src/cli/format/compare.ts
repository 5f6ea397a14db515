import type { Comparison } from '../../model/compare.js'
import type { CompareGroup, Spread } from '../../model/compare-group.js'
import type { Style } from './color.js'
import { csvLine, markdownTable, type Cell } from './csv.js'
import { stringifyExact } from '../../model/lossless-json.js'
import { formatScore } from './numbers.js'
import { renderTable } from './table.js'

/** A comparison as a plain matrix: the column headers and one row of raw cells per compared ref. */
export interface Matrix {
  headers: string[]
  rows: Cell[][]
  /** Which columns hold numbers (right-aligned in tables). */
  numeric: boolean[]
}

const arrow = (direction: 'max' | 'min') => (direction === 'min' ? '↓' : '↑')

/** The columns of `evogit compare`, in order: name, fork, latest, then per objective, target, meta. */
export function comparisonMatrix(comparison: Comparison): Matrix {
  const headers: string[] = ['name']
  const numeric: boolean[] = [false]
  const push = (header: string, isNumber: boolean) => {
    headers.push(header)
    numeric.push(isNumber)
  }
  const showKind = comparison.rows.some((r) => r.kind !== 'branch')
  if (showKind) push('kind', false)
  push('forked from', false)
  push('gen', true)
  push('size', true)
  for (const name of comparison.objectives) {
    const direction = comparison.rows.find((r) => r.objectives[name])?.objectives[name]?.direction ?? 'max'
    push(`${name}${arrow(direction)} best`, true)
    push(`${name} best@`, true)
    push(`${name} latest`, true)
    push(`${name} mean`, true)
  }
  if (comparison.target) push(`first ${comparison.target.text}`, true)
  for (const key of comparison.metaKeys) push(key, false)
  const rows = comparison.rows.map((row) => {
    const cells: Cell[] = [row.name]
    if (showKind) cells.push(row.kind)
    const fork = row.forkedFrom
    cells.push(fork ? `${fork.row ?? fork.branch}:${fork.generation ?? fork.commit.slice(0, 7)}` : null)
    cells.push(row.latestGeneration, row.populationSize)
    for (const name of comparison.objectives) {
      const o = row.objectives[name]
      cells.push(o?.best ?? null, o?.bestGeneration ?? null, o?.latestBest ?? null, o?.latestMean ?? null)
    }
    if (comparison.target) cells.push(row.targetGeneration ?? null)
    for (const key of comparison.metaKeys) cells.push(metaCell(row.meta[key]))
    return cells
  })
  return { headers, rows, numeric }
}

/** The columns of `evogit compare --group-by`: the key's values, members, shared settings, then mean ± stdev. */
export function groupsMatrix(comparison: Comparison, groups: readonly CompareGroup[]): Matrix {
  const first = groups[0]
  const sharedKeys = first ? Object.keys(first.shared) : []
  const headers = [first?.key ?? 'key', 'rows', ...sharedKeys, 'gen']
  const numeric = [false, true, ...sharedKeys.map(() => false), false]
  for (const name of comparison.objectives) {
    const direction = groups.find((g) => g.objectives[name])?.objectives[name]?.direction ?? 'max'
    headers.push(`${name}${arrow(direction)} best`, `${name} latest`, `${name} mean`)
    numeric.push(false, false, false)
  }
  if (comparison.target) {
    headers.push(`first ${comparison.target.text}`)
    numeric.push(false)
  }
  const rows = groups.map((g) => {
    const cells: Cell[] = [g.values.map((v) => stringifyExact(v)).join(', '), g.members.length]
    for (const k of sharedKeys) cells.push(metaCell(g.shared[k]))
    cells.push(formatSpread(g.latestGeneration))
    for (const name of comparison.objectives) {
      const o = g.objectives[name]
      cells.push(o ? formatSpread(o.best) : null, o ? formatSpread(o.latestBest) : null, o ? formatSpread(o.latestMean) : null)
    }
    if (g.targetGeneration) cells.push(`${formatSpread(g.targetGeneration)} (${g.targetGeneration.n}/${g.members.length})`)
    return cells
  })
  return { headers, rows, numeric }
}

/** `0.7712 ± 0.0031`, or just the mean for a single row. */
export function formatSpread(s: Spread): string {
  if (s.mean === null) return '—'
  return s.stdev === null ? formatScore(s.mean) : `${formatScore(s.mean)} ± ${formatScore(s.stdev)}`
}

/** Output formats of a matrix. */
export type MatrixFormat = 'table' | 'csv' | 'md'

/**
 * Renders a matrix for people (aligned, numbers to four significant digits), as CSV (full
 * precision) or as Markdown. `transpose` turns columns into rows, for narrow terminals.
 */
export function renderMatrix(options: { matrix: Matrix; format: MatrixFormat; transpose?: boolean; style: Style }): string {
  const { format, style } = options
  let { headers, rows, numeric } = options.matrix
  const display = (c: Cell, isNumber: boolean): string => (c === null ? '—' : typeof c === 'number' && isNumber ? formatScore(c) : String(c))
  if (options.transpose) {
    const names = rows.map((r) => String(r[0]))
    const body: Cell[][] = headers.slice(1).map((h, i) => [h, ...rows.map((r) => (format === 'table' ? display(r[i + 1] ?? null, numeric[i + 1]!) : (r[i + 1] ?? null)))])
    headers = [headers[0]!, ...names]
    numeric = [false, ...names.map(() => true)]
    rows = body
  }
  if (format === 'csv') return [headers, ...rows].map((cells) => csvLine(cells)).join('')
  if (format === 'md') return markdownTable(headers, rows)
  return renderTable({
    columns: headers.map((header, i) => ({ header, align: numeric[i] ? 'right' : 'left' })),
    rows: rows.map((r) => r.map((c, i) => (i === 0 ? style.bold(String(c)) : display(c, numeric[i]!)))),
    header: style.bold,
  })
}

/**
 * A meta value as a cell: scalars as they are, anything else as exact JSON. Sidecars are read
 * exactly, so a 64-bit seed is a bigint, which JSON.stringify refuses: stringifyExact gives its
 * digits, as text.
 */
function metaCell(v: unknown): Cell {
  if (v === undefined || v === null) return null
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  return stringifyExact(v)
}
