/**
 * Which individual of a generation is "best". Kept in this one function so that when objectives
 * gain a direction (a loss is minimised), only this changes.
 * @module
 */

/**
 * The index of the best individual: the highest value of the primary objective (`score` when
 * present, else the first objective by name), the first one on ties. `null` without scores.
 */
export function bestIndex(scores: Readonly<Record<string, readonly (number | null)[]>>): number | null {
  const names = Object.keys(scores).sort()
  const primary = 'score' in scores ? 'score' : names[0]
  if (primary === undefined) return null
  let best: number | null = null
  scores[primary]!.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) return
    if (best === null || value > scores[primary]![best]!) best = i
  })
  return best
}
