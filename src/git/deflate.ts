import { promisify } from 'node:util'
import { constants, deflate as deflateCb, deflateRaw as deflateRawCb, deflateRawSync } from 'node:zlib'

const deflate = promisify(deflateCb)
const deflateRaw = promisify(deflateRawCb)

/** Objects at least this big are deflated in two halves at once. */
export const SPLIT_DEFLATE_LIMIT = 256 << 10

const ADLER_BASE = 65521

/** zlib's Adler-32 of `data`, as the zlib trailer carries it. */
export function adler32(data: Uint8Array, start = 1): number {
  let a = start & 0xffff
  let b = (start >>> 16) & 0xffff
  for (let i = 0; i < data.length; ) {
    // 5552 bytes is the most that can be summed before the 32-bit sums need reducing.
    const end = Math.min(i + 5552, data.length)
    for (; i < end; i++) {
      a += data[i]!
      b += a
    }
    a %= ADLER_BASE
    b %= ADLER_BASE
  }
  return ((b << 16) | a) >>> 0
}

/** zlib's `adler32_combine`: the checksum of A‖B from those of A and B and B's length. */
export function adler32Combine(adlerA: number, adlerB: number, lengthB: number): number {
  const rem = lengthB % ADLER_BASE
  let sum1 = adlerA & 0xffff
  let sum2 = (rem * sum1) % ADLER_BASE
  sum1 += (adlerB & 0xffff) + ADLER_BASE - 1
  sum2 += ((adlerA >>> 16) & 0xffff) + ((adlerB >>> 16) & 0xffff) + ADLER_BASE - rem
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE
  if (sum2 >= ADLER_BASE * 2) sum2 -= ADLER_BASE * 2
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE
  return ((sum2 << 16) | sum1) >>> 0
}

/**
 * A zlib stream of `data`, deflated as two halves side by side in libuv's thread pool (pigz's
 * method), so a big generation's deflate uses both cores instead of one (issue #14). The first
 * half is raw deflate ended by a sync flush (byte-aligned, not final), the second an ordinary
 * zlib stream whose final blocks and Adler-32 follow on; the second half's back-references
 * never reach before its own start, so the concatenation inflates to `data`. The checksum of
 * the whole is combined from the halves', and only the first half's is computed here.
 */
export async function deflateSplit(data: Buffer, level: number): Promise<Buffer> {
  if (data.length < SPLIT_DEFLATE_LIMIT) return deflate(data, { level })
  const middle = data.length >>> 1
  return deflateHalves(data.subarray(0, middle), data.subarray(middle), level)
}

/**
 * The zlib stream of `header ‖ content` (a loose object), as {@link deflateSplit} makes it, but
 * without first copying the whole object into one buffer: only the header and the first half are
 * joined. A big generation's save holds its JSON several times over at its peak (issue #14,
 * target 7; the 1,000,000-individual scale test), and the whole copy was one of them.
 */
export function deflateObject(header: Buffer, content: Uint8Array, level: number): Promise<Buffer> {
  const body = Buffer.from(content.buffer, content.byteOffset, content.byteLength)
  if (header.length + body.length < SPLIT_DEFLATE_LIMIT) return deflate(Buffer.concat([header, body]), { level })
  const middle = body.length >>> 1
  // The header is a raw stream of its own, sync-flushed as the first half is, so not even the
  // first half is copied to put the header before it (60 MB for a 120 MB generation).
  const prefix = deflateRawSync(header, { level, finishFlush: constants.Z_SYNC_FLUSH })
  return deflateHalves(body.subarray(0, middle), body.subarray(middle), level, { raw: prefix, adler: adler32(header), length: header.length })
}

async function deflateHalves(first: Buffer, second: Buffer, level: number, prefix: { raw: Buffer; adler: number; length: number } | null = null): Promise<Buffer> {
  const halves = Promise.all([deflateRaw(first, { level, finishFlush: constants.Z_SYNC_FLUSH }), deflate(second, { level })])
  // While the pool deflates, the first half's checksum is summed here; the second's is in its trailer.
  const adlerFirst = prefix === null ? adler32(first) : adler32Combine(prefix.adler, adler32(first), first.length)
  const [head, tail] = await halves
  const adler = adler32Combine(adlerFirst, tail.readUInt32BE(tail.length - 4), second.length)
  // The zlib header of the second half's stream (same level, no dictionary) serves the whole.
  return joinRawStreams(tail.subarray(0, 2), [prefix?.raw ?? Buffer.alloc(0), head, tail.subarray(2, tail.length - 4)], adler)
}

/**
 * One zlib stream from raw deflate streams that each end byte-aligned (a sync flush), the last
 * one final: the 2-byte zlib header, the streams in order, and the Adler-32 of all the input.
 */
export function joinRawStreams(zlibHeader: Uint8Array, raws: readonly Uint8Array[], adler: number): Buffer {
  const out = Buffer.allocUnsafe(zlibHeader.length + raws.reduce((n, r) => n + r.length, 0) + 4)
  out.set(zlibHeader, 0)
  let at = zlibHeader.length
  for (const raw of raws) {
    out.set(raw, at)
    at += raw.length
  }
  out.writeUInt32BE(adler, at)
  return out
}
