import { ioError, type StoreFs } from '../io/fs.js'

/**
 * Pack index files (`.idx`, version 2, what git has written since 2008): the fan-out table, the
 * sorted object ids and the offsets, 31-bit or, past 2 GiB, through the large-offset table. The
 * pack reader keeps one of these per pack and looks objects up here before touching the pack.
 */

/** Thrown when a pack uses something this reader does not implement; the caller falls back. */
export class UnsupportedPackError extends Error {}

/** One pack's index. */
export interface PackIndex {
  name: string
  packPath: string
  fanout: Uint32Array
  /**
   * The sorted object ids, five big-endian 32-bit words each: a lookup compares numbers, where
   * comparing 20-byte slices through `Buffer.compare` was a tenth of compare's time.
   */
  words: Uint32Array
  offsets: Float64Array
  packSize: number
}

/** Reads and checks `idxPath`, and the size of its pack (read later, in windows: see pack-window.ts). */
export async function loadPackIndex(fs: StoreFs, idxPath: string, packPath: string): Promise<PackIndex> {
  let idx: Buffer
  let packSize: number
  try {
    idx = await fs.readFile(idxPath)
    packSize = (await fs.stat(packPath)).size
  } catch (err) {
    throw ioError(err, idxPath, 'read')
  }
  if (idx.length < 8 + 1024 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) {
    throw new UnsupportedPackError(`${idxPath} is not a version 2 pack index`)
  }
  const fanout = bigEndianWords(idx, 8, 256)
  const count = fanout[255]!
  const oidsStart = 8 + 1024
  const offsetsStart = oidsStart + count * 20 + count * 4
  const largeStart = offsetsStart + count * 4
  if (idx.length < largeStart + 40) throw new UnsupportedPackError(`${idxPath} is truncated`)
  const small = bigEndianWords(idx, offsetsStart, count)
  const offsets = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const word = small[i]!
    if (word & 0x80000000) {
      const at = largeStart + (word & 0x7fffffff) * 8
      offsets[i] = idx.readUInt32BE(at) * 2 ** 32 + idx.readUInt32BE(at + 4)
    } else offsets[i] = word
  }
  return { name: idxPath, packPath, fanout, words: bigEndianWords(idx, oidsStart, count * 5), offsets, packSize }
}

/**
 * `count` big-endian 32-bit words of `buf` from `start`, as numbers: one copy and one native
 * byte swap, where a `readUInt32BE` per word took ~10 ms for a 5000-generation pack's 150,000.
 */
function bigEndianWords(buf: Buffer, start: number, count: number): Uint32Array {
  const copy = Buffer.allocUnsafeSlow(count * 4)
  buf.copy(copy, 0, start, start + count * 4)
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] === 1) copy.swap32()
  return new Uint32Array(copy.buffer, copy.byteOffset, count)
}

/** Where a looked-up id is written as bytes, to be read back as words (lookups never overlap). */
const key = Buffer.alloc(20)

/** Where `oid` is: the first pack (in order) whose index lists it, and its offset there. */
export function findInPacks(packs: readonly PackIndex[], oid: string): { pack: PackIndex; offset: number } | null {
  if (oid.length !== 40 || key.write(oid, 'hex') !== 20) return null
  const w0 = key.readUInt32BE(0)
  const w1 = key.readUInt32BE(4)
  const w2 = key.readUInt32BE(8)
  const w3 = key.readUInt32BE(12)
  const w4 = key.readUInt32BE(16)
  const first = w0 >>> 24
  for (const pack of packs) {
    const words = pack.words
    let lo = first === 0 ? 0 : pack.fanout[first - 1]!
    let hi = pack.fanout[first]! - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const at = mid * 5
      // Which way the id lies from entry `mid`: the first word that differs decides.
      let diff = w0 - words[at]!
      if (diff === 0) diff = w1 - words[at + 1]!
      if (diff === 0) diff = w2 - words[at + 2]!
      if (diff === 0) diff = w3 - words[at + 3]!
      if (diff === 0) diff = w4 - words[at + 4]!
      if (diff === 0) return { pack, offset: pack.offsets[mid]! }
      if (diff > 0) lo = mid + 1
      else hi = mid - 1
    }
  }
  return null
}
