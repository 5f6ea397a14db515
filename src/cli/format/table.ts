import { visibleWidth } from './color.js'

/** One column of a {@link renderTable} table. */
export interface Column {
  header: string
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right'
}

/**
 * Aligns rows under headers, two spaces apart, without borders, so the output stays easy to
 * grep and to paste. Cells may contain color codes; widths ignore them.
 *
 * @example
 * ```ts
 * renderTable({ columns: [{ header: 'gen', align: 'right' }, { header: 'best' }], rows: [['0', '0.5']] })
 * // 'gen  best\n  0  0.5\n'
 * ```
 */
export function renderTable(options: { columns: readonly Column[]; rows: readonly (readonly string[])[]; header?: (text: string) => string }): string {
  const { columns, rows } = options
  const styleHeader = options.header ?? ((text: string) => text)
  const widths = columns.map((column, i) => Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[i] ?? ''))))
  const line = (cells: readonly string[], style: (text: string) => string = (t) => t) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? ''
        const pad = ' '.repeat(widths[i]! - visibleWidth(cell))
        return column.align === 'right' ? pad + style(cell) : style(cell) + (i === columns.length - 1 ? '' : pad)
      })
      .join('  ')
      .trimEnd()
  const out = [line(columns.map((c) => c.header), styleHeader), ...rows.map((row) => line(row))]
  return out.join('\n') + '\n'
}
