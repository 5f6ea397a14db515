/** The bench's result shapes and the table it prints. */
import type { BenchConfig } from './config.js'

/** One row of the result table. */
export interface TargetResult {
  id: string
  title: string
  /** The measured figure and the baseline it is compared with, in `unit`. */
  figure: number
  baseline: number
  unit: string
  /** figure / baseline. */
  ratio: number
  /** The ratio must not exceed this. */
  limit: number
  pass: boolean
  /** How the figure and the baseline were obtained. */
  note: string
}

/** Everything one run produced. */
export interface BenchResults {
  config: BenchConfig
  machine: { nproc: number; cpu: string; node: string; git: string | null; platform: string; hostname: string; loadAverage: number[] }
  startedAt: string
  seconds: number
  targets: TargetResult[]
  /** Figures that are not targets but explain them. */
  extra: Record<string, number | string | boolean | null>
  /** Median milliseconds per phase of a save of `config.saveSize` (with `--breakdown`). */
  breakdown?: Record<string, number>
}

/** A row: the ratio and pass/short follow from the figure, the baseline and the limit. */
export function target(id: string, title: string, figure: number, baseline: number, unit: string, limit: number, note: string): TargetResult {
  const ratio = figure / baseline
  return { id, title, figure, baseline, unit, ratio, limit, pass: Number.isFinite(ratio) && ratio <= limit, note }
}

function formatFigure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value)
  if (unit === 'bytes') return value >= 1 << 20 ? `${(value / (1 << 20)).toFixed(1)} MiB` : `${(value / 1024).toFixed(1)} KiB`
  return `${value.toFixed(2)} ${unit}`
}

/** The results as a plain-text table, one target per line (and the breakdown, when measured). */
export function formatTable(results: BenchResults): string {
  const header = ['#', 'target', 'figure', 'baseline', 'ratio', 'limit', 'result']
  const rows = results.targets.map((t) => [t.id, t.title, formatFigure(t.figure, t.unit), formatFigure(t.baseline, t.unit), `${t.ratio.toFixed(3)}×`, `≤ ${t.limit}×`, t.pass ? 'pass' : 'SHORT'])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  const m = results.machine
  const out = [
    `evogit bench (${results.config.name}) — ${m.cpu}, nproc ${m.nproc}, node ${m.node}, ${m.git ?? 'no git'}; ${results.seconds.toFixed(0)} s; load ${m.loadAverage.map((l) => l.toFixed(1)).join(' ')}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ]
  if (results.breakdown) {
    const total = Object.values(results.breakdown).reduce((a, b) => a + b, 0)
    out.push('', `save of ${results.config.saveSize}, median ms per phase (sum of medians ${total.toFixed(2)} ms):`)
    for (const [phase, ms] of Object.entries(results.breakdown)) out.push(`  ${phase.padEnd(40)} ${ms.toFixed(2).padStart(8)}`)
  }
  return out.join('\n')
}
