const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

/**
 * A one-line chart of a series, one block character per value (`null` shows as a space).
 * Longer series are folded into `width` buckets, each shown by its best value (the largest, or
 * the smallest with `direction: 'min'`), because the best score is what the line is for. Taller
 * bars are always larger values.
 *
 * @example
 * ```ts
 * sparkline({ values: [0.1, 0.4, 0.35, 0.9] }) // '▁▄▃█'
 * ```
 */
export function sparkline(options: { values: readonly (number | null)[]; width?: number; direction?: 'max' | 'min' }): string {
  const width = Math.max(1, options.width ?? 60)
  const values = fold(options.values, width, options.direction === 'min')
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v))
  if (finite.length === 0) return ' '.repeat(values.length)
  const min = Math.min(...finite)
  const max = Math.max(...finite)
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' '
      // A flat series has no shape to show; draw it at the bottom rather than inventing one.
      if (max === min) return BARS[0]
      return BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))]!
    })
    .join('')
}

/** Folds into buckets, each shown by its best value: the largest, or for a loss (`lowest`) the smallest. */
function fold(values: readonly (number | null)[], width: number, lowest: boolean): (number | null)[] {
  if (values.length <= width) return [...values]
  const out: (number | null)[] = []
  for (let b = 0; b < width; b++) {
    const start = Math.floor((b * values.length) / width)
    const end = Math.floor(((b + 1) * values.length) / width)
    let best: number | null = null
    for (let i = start; i < end; i++) {
      const v = values[i]
      if (v !== null && v !== undefined && (best === null || (lowest ? v < best : v > best))) best = v
    }
    out.push(best)
  }
  return out
}
