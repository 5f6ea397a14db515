/**
 * Names for `git pack-objects` that put each generation next to its neighbours in git's delta
 * search.
 *
 * `pack-objects` sorts the objects it packs by type, then by a 32-bit hash of the name given with
 * each object, then by size, and tries each one as a delta against the `--window` objects before
 * it. The hash (`pack_name_hash` in git's `pack-objects.h`) is `hash = (hash >> 2) + (c << 24)`
 * over the name's characters, so the last character is the most significant and each earlier one
 * counts a quarter as much. With the real names (`gen_41.json`, `gen_42.json`) consecutive
 * generations land far apart, and only a very wide window (250, as `gc --aggressive`) finds the
 * previous generation: at 5000 generations that search took more than 25 CPU-minutes.
 *
 * So the name we hand git ends in the path's last number written in base 4, least significant
 * first, one character per digit from `a` to `d` (12 digits, each worth four times the one before), followed by
 * one character that stands for the path without its digits. The hash then orders the objects
 * by kind (the generation files, the sidecars, the sidecar buckets), and within a kind by number:
 * every generation's file sits between its predecessor and its successor, the best delta bases,
 * and a default-sized window finds them. Paths without a number keep their name, as git would.
 * The names only steer the delta search; git stores no names in a pack.
 */

const DIGITS = 12
/** 4^12: numbers at or past this share the top slot (only the delta search's order suffers). */
const LIMIT = 4 ** DIGITS

/** The name `pack-objects` is given for `path`, chosen for its hash (see the module comment). */
export function deltaName(path: string): string {
  const numbers = path.match(/[0-9]+/g)
  if (!numbers) return path
  const kind = path.replace(/[0-9]+/g, '')
  const value = Math.min(Number(numbers[numbers.length - 1]), LIMIT - 1)
  let digits = ''
  // Least significant first: each character is worth four times the one before it.
  for (let i = 0; i < DIGITS; i++) digits += String.fromCharCode(0x61 + (Math.floor(value / 4 ** i) % 4))
  return `${digits}${kindChar(kind)}`
}

/** Rewrites `git rev-list --objects` output (`<oid> <path>` lines) with {@link deltaName}. */
export function withDeltaNames(revList: string): string {
  return revList
    .split('\n')
    .map((line) => {
      const space = line.indexOf(' ')
      return space < 0 || space === line.length - 1 ? line : `${line.slice(0, space)} ${deltaName(line.slice(space + 1))}`
    })
    .join('\n')
}

/** One printable, non-space character (`!` to `~`) for a digit-free path: a small stable hash. */
function kindChar(kind: string): string {
  let h = 0
  for (let i = 0; i < kind.length; i++) h = (h * 31 + kind.charCodeAt(i)) >>> 0
  return String.fromCharCode(0x21 + (h % 94))
}

/** git's `pack_name_hash`, for tests: the order it gives is the order the delta search sees. */
export function packNameHash(name: string): number {
  let hash = 0
  for (const ch of Buffer.from(name, 'utf8')) {
    if (ch === 0x20 || (ch >= 0x09 && ch <= 0x0d)) continue
    hash = ((hash >>> 2) + ((ch << 24) >>> 0)) >>> 0
  }
  return hash
}
