/**
 * The one rule for printing numbers: the shortest text that round-trips the value at a given
 * number of significant digits. Machine-read text (trailers, JSON) uses 15, the precision a
 * double always keeps, so arithmetic noise such as `0.5973999999999999` or
 * `0.30000000000000004` disappears while a value the user stored reads back as written. Text for
 * people (subjects, tables) uses 4, so `1/3` shows as `0.3333`, never `0.3330`.
 *
 * @example
 * ```ts
 * formatNumber(0.5973999999999999) // '0.5974'
 * formatNumber(1 / 3, 4) // '0.3333'
 * ```
 */
export function formatNumber(value: number, digits = 15): string {
  return String(cleanNumber(value, digits))
}

/** Significant digits of numbers shown to people. */
export const DISPLAY_DIGITS = 4

/** The value {@link formatNumber} prints: rounded to `digits` significant digits. Integers and non-finite values pass through. */
export function cleanNumber(value: number, digits = 15): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value
  return Number(value.toPrecision(digits))
}
