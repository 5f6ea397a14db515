/** A cell value as CSV, JSON lines and tables all take it. */
export type Cell = string | number | boolean | null

/**
 * One RFC 4180 line: fields with a comma, quote, CR or LF are quoted, quotes doubled; `null` is
 * an empty field; numbers print in JavaScript's shortest round-trip form, so
 * `float(field)` in Python gives back exactly the stored double.
 */
export function csvLine(cells: readonly Cell[]): string {
  return (
    cells
      .map((cell) => {
        if (cell === null) return ''
        const text = String(cell)
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
      })
      .join(',') + '\r\n'
  )
}

/** A Markdown (GitHub) table; pipes in cells are escaped, newlines become spaces. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (c: Cell) => (c === null ? '' : String(c)).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
  const line = (cells: readonly Cell[]) => `| ${cells.map(cell).join(' | ')} |`
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') + '\n'
}
