/**
 * The `link` extension of a split index (see `split-index.ts`): which shared index the main file
 * builds on, and which of its entries are deleted or replaced. Apart from the rest of the split
 * index so that the index codec can parse it without depending on the entries' merge.
 */
import { decodeEwah, ewahLength } from './ewah.js'

/** What the `link` extension says; the bitmaps are expanded against the shared index ({@link linkPositions}). */
export interface LinkExtension {
  /** The shared index's checksum, which names it: `sharedindex.<base>`. */
  base: string
  /** EWAH bitmaps over the shared entries: removed from the final index; replaced, in order, by the main file's first entries. */
  deleted: Buffer | null
  replaced: Buffer | null
}

/** `.git/sharedindex.<base>`. */
export function sharedIndexName(base: string): string {
  return `sharedindex.${base}`
}

/** Parses a `link` extension's payload (throws on a malformed one). */
export function parseLink(payload: Buffer): LinkExtension {
  if (payload.length < 20) throw new Error('its link extension is too short')
  const base = payload.toString('hex', 0, 20)
  if (payload.length === 20) return { base, deleted: null, replaced: null }
  const first = ewahLength(payload, 20)
  const second = ewahLength(payload, 20 + first)
  if (20 + first + second !== payload.length) throw new Error('its link extension has trailing bytes')
  return { base, deleted: payload.subarray(20, 20 + first), replaced: payload.subarray(20 + first) }
}

/**
 * The positions the bitmaps set, each below `entries` (the shared index's size): a corrupt run
 * length is refused before it can ask for billions of positions.
 */
export function linkPositions(link: LinkExtension, entries: number): { deleted: number[]; replaced: number[] } {
  const positions = (bitmap: Buffer | null) => (bitmap === null ? [] : decodeEwah(bitmap, 0, entries).bits)
  return { deleted: positions(link.deleted), replaced: positions(link.replaced) }
}
