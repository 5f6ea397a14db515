import { ioError, type StoreFs } from '../io/fs.js'

/**
 * Pack index files (`.idx`, version 2, what git has written since 2008): the fan-out table, the
 * sorted object ids and the offsets, 31-bit or, past 2 GiB, through the large-offset table. The
 * pack reader keeps one of these per pack and looks objects up here before touching the pack.
 */

/** Thrown when a pack uses something this reader does not implement; the caller falls back. */
export class UnsupportedPackError extends Error {}

/** One pack's index, and the pack's bytes when it is small enough to hold. */
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
  /**
   * Every entry's offset, ascending (an entry ends where the next one starts), for packs read
   * entry by entry; `null` for a pack held in memory, whose entries are read to their zlib
   * stream's end and need no sorting of ~30 000 offsets on every open.
   */
  sortedOffsets: Float64Array | null
  packSize: number
  data: Buffer | null
}

/** Reads and checks `idxPath`; reads the whole pack too when it is at most `inMemoryLimit` bytes. */
export async function loadPackIndex(fs: StoreFs, idxPath: string, packPath: string, inMemoryLimit: number): Promise<PackIndex> {
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
  const fanout = new Uint32Array(256)
  for (let i = 0; i < 256; i++) fanout[i] = idx.readUInt32BE(8 + i * 4)
  const count = fanout[255]!
  const oidsStart = 8 + 1024
  const offsetsStart = oidsStart + count * 20 + count * 4
  const largeStart = offsetsStart + count * 4
  if (idx.length < largeStart + 40) throw new UnsupportedPackError(`${idxPath} is truncated`)
  const offsets = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const small = idx.readUInt32BE(offsetsStart + i * 4)
    if (small & 0x80000000) {
      const at = largeStart + (small & 0x7fffffff) * 8
      offsets[i] = idx.readUInt32BE(at) * 2 ** 32 + idx.readUInt32BE(at + 4)
    } else offsets[i] = small
  }
  const words = new Uint32Array(count * 5)
  for (let i = 0; i < words.length; i++) words[i] = idx.readUInt32BE(oidsStart + i * 4)
  const data = packSize <= inMemoryLimit ? await fs.readFile(packPath).catch((err: unknown) => Promise.reject(ioError(err, packPath, 'read'))) : null
  const sortedOffsets = data ? null : Float64Array.from(offsets).sort()
  return { name: idxPath, packPath, fanout, words, offsets, sortedOffsets, packSize, data }
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
