import type { Direction, FrontPoint } from './model.js'

/**
 * Two-objective Pareto fronts and hypervolume, for the report only. The objectives stream keeps
 * the store's own fronts in the sidecar; until a store has those, the report computes them here
 * from the raw scores it samples.
 */

/** The non-dominated points of `points` under the two directions, sorted by x. */
export function front2d(points: readonly FrontPoint[], directions: readonly [Direction, Direction]): FrontPoint[] {
  const sx = directions[0] === 'max' ? -1 : 1
  const sy = directions[1] === 'max' ? -1 : 1
  // Minimise (sx*x, sy*y): sort by the first, then keep points strictly better in the second.
  const sorted = [...points].sort((a, b) => sx * a.x - sx * b.x || sy * a.y - sy * b.y)
  const out: FrontPoint[] = []
  let bestY = Infinity
  for (const p of sorted) {
    if (sy * p.y < bestY) {
      out.push(p)
      bestY = sy * p.y
    }
  }
  return out.sort((a, b) => a.x - b.x)
}

/** The area dominated by `front` and bounded by `reference` (the worst corner), under the directions. */
export function hypervolume2d(front: readonly FrontPoint[], directions: readonly [Direction, Direction], reference: { x: number; y: number }): number {
  const sx = directions[0] === 'max' ? -1 : 1
  const sy = directions[1] === 'max' ? -1 : 1
  const pts = front2d(front, directions)
    .map((p) => ({ x: sx * p.x, y: sy * p.y }))
    .filter((p) => p.x < sx * reference.x && p.y < sy * reference.y)
    .sort((a, b) => a.x - b.x)
  let area = 0
  let previousY = sy * reference.y
  for (const p of pts) {
    area += (sx * reference.x - p.x) * (previousY - p.y)
    previousY = p.y
  }
  return area
}
