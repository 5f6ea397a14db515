/** At most this many gaps are spelled out; a run with hundreds of holes needs no line per hole. */
const MAX_GAPS = 8

/** Consecutive runs of sorted, distinct ids, e.g. [0, 1, 2, 5] → [[0, 2], [5, 5]]. */
export function idRuns(ids: readonly number[]): [number, number][] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b)
  const runs: [number, number][] = []
  for (const id of sorted) {
    const last = runs[runs.length - 1]
    if (last && id === last[1] + 1) last[1] = id
    else runs.push([id, id])
  }
  return runs
}

const span = ([a, b]: [number, number]): string => (a === b ? String(a) : `${a}–${b}`)

/**
 * Generation ids as people read them: the span, and what is missing inside it, so a run with
 * holes never looks complete. `[0,1,2,3,5,10]` → `0–10, missing 4, 6–9`; `[0,1,2]` → `0–2`.
 *
 * @example
 * ```ts
 * describeIds([0, 1, 2, 3, 5, 10]) // '0–10, missing 4, 6–9'
 * ```
 */
export function describeIds(ids: readonly number[]): string {
  const runs = idRuns(ids)
  const first = runs[0]
  const last = runs[runs.length - 1]
  if (!first || !last) return 'none'
  const whole = span([first[0], last[1]])
  if (runs.length === 1) return whole
  const gaps: [number, number][] = []
  for (let i = 1; i < runs.length; i++) gaps.push([runs[i - 1]![1] + 1, runs[i]![0] - 1])
  const shown = gaps.slice(0, MAX_GAPS).map(span).join(', ')
  return `${whole}, missing ${shown}${gaps.length > MAX_GAPS ? `, … (${gaps.length} gaps)` : ''}`
}
