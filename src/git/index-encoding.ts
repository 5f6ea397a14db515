import { createHash } from 'node:crypto'
import { sortedIndexOf } from '../model/sorted.js'
import { compareIndexEntries, encodeEntry, type IndexEntry } from './index-file.js'

/**
 * An index's entries with their encoding, kept between saves so that a save, which changes two
 * of the two entries per generation the index holds, splices their bytes into the previous
 * encoding instead of concatenating every entry again (at 10,000 generations that concatenation
 * was the save's largest cost on a loaded machine; issue #14). The file it gives is byte for byte
 * what `encodeIndex` writes for the same entries.
 */
export class EncodedIndex {
  private constructor(
    /** Sorted entries; never mutated (a change makes a new EncodedIndex). */
    readonly entries: readonly IndexEntry[],
    private readonly body: Buffer,
    /** Byte offset of each entry in `body`, and the body's length last. */
    private readonly offsets: readonly number[],
    private readonly extended: number,
  ) {}

  /** Encodes sorted `entries` in full. */
  static of(entries: readonly IndexEntry[]): EncodedIndex {
    const parts = new Array<Buffer>(entries.length)
    const offsets = new Array<number>(entries.length + 1)
    let length = 0
    let extended = 0
    for (let i = 0; i < entries.length; i++) {
      const bytes = encodeEntry(entries[i]!)
      parts[i] = bytes
      offsets[i] = length
      length += bytes.length
      if ((entries[i]!.extendedFlags ?? 0) !== 0) extended++
    }
    offsets[entries.length] = length
    // A copy: the caller's array may change later; ours must keep matching `body`.
    return new EncodedIndex(entries.slice(), Buffer.concat(parts, length), offsets, extended)
  }

  /** The entries with `updates` put in place (replacing any entry at the same path) and `removed` paths taken out. */
  apply(updates: readonly IndexEntry[], removed: readonly string[] = []): EncodedIndex {
    const entries = this.entries.slice()
    const offsets = this.offsets.slice()
    let body = this.body
    let extended = this.extended
    const splice = (at: number, remove: number, entry: IndexEntry | null) => {
      const start = offsets[at]!
      const end = offsets[at + remove]!
      const bytes = entry ? encodeEntry(entry) : Buffer.alloc(0)
      body = Buffer.concat([body.subarray(0, start), bytes, body.subarray(end)])
      const delta = bytes.length - (end - start)
      for (let i = 0; i < remove; i++) if ((entries[at + i]!.extendedFlags ?? 0) !== 0) extended--
      if (entry && (entry.extendedFlags ?? 0) !== 0) extended++
      entries.splice(at, remove, ...(entry ? [entry] : []))
      offsets.splice(at, remove, ...(entry ? [start] : []))
      for (let i = at + (entry ? 1 : 0); i < offsets.length; i++) offsets[i]! += delta
    }
    for (const path of removed) {
      const at = search(entries, path)
      if (at >= 0) splice(at, 1, null)
    }
    for (const e of updates) {
      const at = search(entries, e.path)
      if (at >= 0) splice(at, 1, e)
      else splice(-at - 1, 0, e)
    }
    return new EncodedIndex(entries, body, offsets, extended)
  }

  /** The index file: header, entries, SHA-1 trailer (version 3 when an entry has extended flags). */
  file(): Buffer {
    const header = Buffer.alloc(12)
    header.write('DIRC', 0, 'latin1')
    header.writeUInt32BE(this.extended > 0 ? 3 : 2, 4)
    header.writeUInt32BE(this.entries.length, 8)
    const digest = createHash('sha1').update(header).update(this.body).digest()
    return Buffer.concat([header, this.body, digest], 12 + this.body.length + 20)
  }
}

/**
 * Sorted `entries` with `updates` put in place (replacing the same path) and `removed` taken out,
 * as {@link EncodedIndex.apply} gives them, without the bytes: what a split index needs.
 */
export function applyEntries(entries: readonly IndexEntry[], updates: readonly IndexEntry[], removed: readonly string[]): IndexEntry[] {
  const out = entries.slice()
  const at = (path: string) => search(out, path)
  for (const path of removed) {
    const i = at(path)
    if (i >= 0) out.splice(i, 1)
  }
  for (const e of updates) {
    const i = at(e.path)
    if (i >= 0) out[i] = e
    else out.splice(-i - 1, 0, e)
  }
  return out
}

/** Where `path` is in sorted `entries`; `-(insertion point) - 1` when absent. */
function search(entries: readonly IndexEntry[], path: string): number {
  const probe = { path } as IndexEntry
  return sortedIndexOf(entries.length, (i) => compareIndexEntries(entries[i]!, probe))
}
