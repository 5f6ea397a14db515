/**
 * git's EWAH bitmaps (`ewah/ewah_io.c`), as the split index's link extension carries them: the
 * delete and replace bitmaps over the shared index's entries. Pure; no I/O.
 *
 * Layout: bit count (u32), word count (u32), that many 64-bit words (big-endian), then the
 * position of the last run-length word (u32). The words are a run-length word (bit 0: the run's
 * bit, bits 1–32: the run's length in words, bits 33–63: how many literal words follow) and its
 * literal words, bit 0 of a word first.
 */

/** A malformed bitmap; the caller names the file it came from. */
export class EwahError extends Error {}

const MAX_RUN = 0xffffffff
const MAX_LITERALS = 0x7fffffff

/**
 * The set bits of the bitmap at `offset` in `buf`, ascending, and the bytes it takes. A bit at or
 * beyond `limit` is an error: a corrupt run length could otherwise ask for billions of them.
 */
export function decodeEwah(buf: Buffer, offset: number, limit: number): { bits: number[]; length: number } {
  const length = ewahLength(buf, offset)
  const words = buf.readUInt32BE(offset + 4)
  const bits: number[] = []
  const push = (at: number) => {
    if (at >= limit) throw new EwahError(`the bitmap names entry ${at}, beyond the ${limit} entries it covers`)
    bits.push(at)
  }
  let pos = 0
  let at = offset + 8
  const end = at + words * 8
  while (at < end) {
    const hi = buf.readUInt32BE(at)
    const lo = buf.readUInt32BE(at + 4)
    at += 8
    const runWords = (lo >>> 1) + (hi & 1) * 0x80000000
    if ((lo & 1) === 1) {
      if (pos + runWords * 64 > limit) throw new EwahError(`the bitmap names entry ${limit} or beyond, past the ${limit} entries it covers`)
      for (let k = 0; k < runWords * 64; k++) push(pos++)
    } else pos += runWords * 64
    const literals = hi >>> 1
    if (at + literals * 8 > end) throw new EwahError('the bitmap is truncated')
    for (let k = 0; k < literals; k++, at += 8) {
      const halves = [buf.readUInt32BE(at + 4), buf.readUInt32BE(at)]
      for (const half of halves) {
        for (let c = 0; c < 32; c++) if ((half >>> c) & 1) push(pos + c)
        pos += 32
      }
    }
  }
  return { bits, length }
}

/** The bytes of the bitmap at `offset` in `buf`, from its word count (throws when it is cut short). */
export function ewahLength(buf: Buffer, offset: number): number {
  if (offset + 8 > buf.length) throw new EwahError('the bitmap is truncated')
  const length = 8 + buf.readUInt32BE(offset + 4) * 8 + 4
  if (offset + length > buf.length) throw new EwahError('the bitmap is truncated')
  return length
}

/** The bitmap with exactly `bits` set (ascending, no repeats), as git writes it. */
export function encodeEwah(bits: readonly number[]): Buffer {
  // git's bit count is one past the highest bit set (ewah_set grows it), 0 for an empty bitmap.
  const bitSize = bits.length === 0 ? 0 : bits[bits.length - 1]! + 1
  const wordCount = Math.ceil(bitSize / 64)
  const plain = new Uint32Array(wordCount * 2) // [lo, hi] per word
  for (const bit of bits) plain[(bit >>> 6) * 2 + ((bit >>> 5) & 1)]! |= 1 << (bit & 31)
  const isZero = (w: number) => plain[w * 2] === 0 && plain[w * 2 + 1] === 0
  const out: number[] = [] // [hi, lo] pairs, as they are written
  let lastRlw = 0
  let w = 0
  do {
    let run = 0
    while (w < wordCount && isZero(w) && run < MAX_RUN) {
      run++
      w++
    }
    let literals = 0
    while (w + literals < wordCount && !isZero(w + literals) && literals < MAX_LITERALS) literals++
    lastRlw = out.length / 2
    out.push(((literals << 1) | Math.floor(run / 0x80000000)) >>> 0, ((run << 1) & 0xffffffff) >>> 0)
    for (let k = 0; k < literals; k++, w++) out.push(plain[w * 2 + 1]!, plain[w * 2]!)
  } while (w < wordCount)
  const buf = Buffer.alloc(8 + out.length * 4 + 4)
  buf.writeUInt32BE(bitSize, 0)
  buf.writeUInt32BE(out.length / 2, 4)
  for (let i = 0; i < out.length; i++) buf.writeUInt32BE(out[i]!, 8 + i * 4)
  buf.writeUInt32BE(lastRlw, 8 + out.length * 4)
  return buf
}
