/**
 * The first index in `[0, length)` at which `before(i)` is false, for a `before` that is true on
 * a prefix and false after it (a sorted array's lower bound): `length` when it is true throughout.
 * One binary search for every sorted list the git layer keeps (tree entries, index entries), so
 * the off-by-one rules live in one place.
 */
export function partitionPoint(length: number, before: (i: number) => boolean): number {
  let lo = 0
  let hi = length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (before(mid)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Where an item comparing equal to the probe is in a sorted list, else `-(insertion point) - 1`. */
export function sortedIndexOf(length: number, compareAt: (i: number) => number): number {
  const at = partitionPoint(length, (i) => compareAt(i) < 0)
  return at < length && compareAt(at) === 0 ? at : -at - 1
}
