import { compareTreeEntries, encodeTreeEntry, type TreeEntry } from './format.js'

/**
 * Encoding a tree as an edit of its parent's bytes. A store's root tree holds one entry per
 * generation, and each save rewrites it with one or two entries changed: encoding all of them
 * afresh (one cached buffer each, joined) was 0.65 ms of every save at 5000 generations in a CPU
 * profile, growing with the tree, where copying the unchanged runs of the parent's bytes costs
 * a few large copies.
 */

/** A tree's bytes, and where each entry starts in them (one more: the end). */
interface Encoding {
  bytes: Buffer
  starts: Uint32Array
}

/** Keyed by the entries array that `TreeStore` caches for the tree's id, so it lives as long as that does. */
const encodings = new WeakMap<readonly TreeEntry[], Encoding>()

/**
 * The tree object content of `entries` (sorted), made from the encoding of `base` where it is
 * known: `entries` must hold `base`'s surviving entries as the same objects (what splicing a copy
 * of `base` gives), everything else new. Remembers the result for the next edit of `entries`.
 */
export function encodeTreeEdit(entries: readonly TreeEntry[], base: readonly TreeEntry[] | null): Buffer {
  const prior = base === null ? undefined : encodings.get(base)
  const encoding = prior && base ? splice(entries, base, prior) : fresh(entries)
  encodings.set(entries, encoding)
  return encoding.bytes
}

function fresh(entries: readonly TreeEntry[]): Encoding {
  const starts = new Uint32Array(entries.length + 1)
  const parts = new Array<Buffer>(entries.length)
  let at = 0
  for (let i = 0; i < entries.length; i++) {
    starts[i] = at
    parts[i] = encodeTreeEntry(entries[i]!)
    at += parts[i]!.length
  }
  starts[entries.length] = at
  return { bytes: Buffer.concat(parts, at), starts }
}

function splice(entries: readonly TreeEntry[], base: readonly TreeEntry[], prior: Encoding): Encoding {
  const starts = new Uint32Array(entries.length + 1)
  const pieces: Buffer[] = []
  let i = 0
  let j = 0
  let at = 0
  while (i < entries.length) {
    if (j < base.length && entries[i] === base[j]) {
      // A run of surviving entries: one copy of their bytes, their offsets shifted.
      const i0 = i
      const j0 = j
      while (i < entries.length && j < base.length && entries[i] === base[j]) {
        i++
        j++
      }
      const from = prior.starts[j0]!
      const to = prior.starts[j]!
      for (let k = i0; k < i; k++) starts[k] = prior.starts[j0 + k - i0]! - from + at
      pieces.push(prior.bytes.subarray(from, to))
      at += to - from
      continue
    }
    // Both lists are sorted and survivors keep their order, so a base entry that sorts at or
    // before entries[i] without being it did not survive (removed, or replaced by entries[i]);
    // otherwise entries[i] is new.
    if (j < base.length && compareTreeEntries(entries[i]!, base[j]!) >= 0) {
      j++
      continue
    }
    const bytes = encodeTreeEntry(entries[i]!)
    starts[i] = at
    pieces.push(bytes)
    at += bytes.length
    i++
  }
  starts[entries.length] = at
  return { bytes: Buffer.concat(pieces, at), starts }
}
