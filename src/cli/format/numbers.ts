import { stringifyExact } from '../../model/lossless-json.js'
import { DISPLAY_DIGITS, formatNumber } from '../../model/number-format.js'

/** A score for a table cell: {@link formatNumber}'s rule at four significant digits, and `—` when there is none. */
export function formatScore(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formatNumber(value, DISPLAY_DIGITS)
}

/** A signed difference, `+0.06` or `-1`, and `±0` when nothing moved. */
export function formatDelta(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  if (value === 0) return '±0'
  return (value > 0 ? '+' : '') + formatNumber(value, DISPLAY_DIGITS)
}

/** `1 individual`, `24 individuals`. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`
}

/** The seven characters of a commit id people are used to from `git log --oneline`. */
export function shortCommit(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 7) : '—'
}

/** A JSON value on one line, numbers digit for digit, cut to `max` characters with an ellipsis. */
export function inlineValue(value: unknown, max = 60): string {
  if (value === undefined) return '(absent)'
  // Exact: settings read back from a sidecar hold bigints (64-bit seeds).
  const text = typeof value === 'function' || typeof value === 'symbol' ? `(${typeof value})` : stringifyExact(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
