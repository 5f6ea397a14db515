import { closeSync, openSync, readSync } from 'node:fs'
import { ioError, nodeStoreFs, type StoreFs } from '../io/fs.js'

/**
 * Packs are read in windows of this size, as git maps them (`core.packedGitWindowSize`), instead
 * of whole: a freshly opened store's `log()` then reads the megabyte or two at the front of a
 * pack where git puts the commits, not all 15 MB of a 5000-generation pack (issue #14, target 5).
 */
export const WINDOW_BYTES = 1 << 20
/** Windows kept, by bytes: what was read whole before windows (packs up to 96 MiB), so a walk of everything reads each window once. */
export const WINDOW_CACHE_BYTES = 96 << 20
/** Window keys of a pack are `slot * WINDOW_KEY_SPAN + window index`: 2^21 windows of 1 MiB is 2 TiB. */
const WINDOW_KEY_SPAN = 2 ** 21

/** What a window read needs to know of a pack. */
export interface WindowedPack {
  packPath: string
  packSize: number
}

/** A range of a pack's bytes: `buf[start..start + length)`, which may be a whole window, shared. */
export interface PackBytes {
  buf: Buffer
  start: number
}

/** The windows of the packs of one reader, least recently used first out. */
export class PackWindows {
  private readonly windows = new Map<number, Promise<Buffer>>()
  private readonly sizes = new Map<number, number>()
  private bytes = 0

  constructor(
    private readonly fs: StoreFs,
    private readonly cacheBytes = WINDOW_CACHE_BYTES,
  ) {}

  /** Forgets every window (the packs were replaced). */
  clear(): void {
    this.windows.clear()
    this.sizes.clear()
    this.bytes = 0
  }

  /**
   * At least `length` bytes of `pack` from `offset` (fewer at the pack's end). Within one window
   * they are that window itself, not a copy; across a window's end they are joined into a copy.
   */
  async read(pack: WindowedPack, slot: number, offset: number, length: number): Promise<PackBytes> {
    const end = Math.min(offset + length, pack.packSize)
    const first = Math.floor(offset / WINDOW_BYTES)
    const last = Math.max(first, Math.floor((end - 1) / WINDOW_BYTES))
    if (first === last) return { buf: await this.window(pack, slot, first), start: offset - first * WINDOW_BYTES }
    const parts: Buffer[] = []
    for (let w = first; w <= last; w++) parts.push(await this.window(pack, slot, w))
    const joined = Buffer.concat(parts)
    return { buf: joined.subarray(offset - first * WINDOW_BYTES, end - first * WINDOW_BYTES), start: 0 }
  }

  private window(pack: WindowedPack, slot: number, index: number): Promise<Buffer> {
    const key = slot * WINDOW_KEY_SPAN + index
    const cached = this.windows.get(key)
    if (cached) {
      // Most recently used goes last: a Map iterates in insertion order.
      this.windows.delete(key)
      this.windows.set(key, cached)
      return cached
    }
    const start = index * WINDOW_BYTES
    const size = Math.min(WINDOW_BYTES, pack.packSize - start)
    const reading = readRange(this.fs, pack.packPath, start, size)
    this.windows.set(key, reading)
    this.sizes.set(key, size)
    this.bytes += size
    // A failed read is not kept: the next read tries again (or finds the pack gone and rescans).
    reading.catch(() => {
      if (this.windows.get(key) === reading) this.drop(key)
    })
    while (this.bytes > this.cacheBytes && this.windows.size > 1) this.drop(this.windows.keys().next().value!)
    return reading
  }

  private drop(key: number): void {
    this.windows.delete(key)
    this.bytes -= this.sizes.get(key) ?? 0
    this.sizes.delete(key)
  }
}

/**
 * `size` bytes of the file at `path` from `start`, all of them or an error. With the real file
 * system the read is synchronous, as loose objects are read: a window comes from the page cache
 * in a fraction of a millisecond, less than the three thread-pool round trips (open, read,
 * close) an asynchronous read spends waiting. An injected fs (tests) is used as given.
 */
async function readRange(fs: StoreFs, path: string, start: number, size: number): Promise<Buffer> {
  if (fs === nodeStoreFs) return readRangeSync(path, start, size)
  const handle = await fs.open(path, 'r').catch((err: unknown) => Promise.reject(ioError(err, path, 'open')))
  try {
    const buf = Buffer.allocUnsafeSlow(size)
    let done = 0
    while (done < size) {
      const { bytesRead } = await handle.read(buf, done, size - done, start + done)
      if (bytesRead === 0) throw packEnded(path, start + done, start + size)
      done += bytesRead
    }
    return buf
  } finally {
    await handle.close()
  }
}

function readRangeSync(path: string, start: number, size: number): Buffer {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    throw ioError(err, path, 'open')
  }
  try {
    const buf = Buffer.allocUnsafeSlow(size)
    for (let done = 0; done < size; ) {
      let bytesRead: number
      try {
        bytesRead = readSync(fd, buf, done, size - done, start + done)
      } catch (err) {
        throw ioError(err, path, 'read')
      }
      if (bytesRead === 0) throw packEnded(path, start + done, start + size)
      done += bytesRead
    }
    return buf
  } finally {
    closeSync(fd)
  }
}

/** A pack shorter than its index says: the read gave nothing at `at`, before `expected`. */
function packEnded(path: string, at: number, expected: number): Error {
  return ioError(Object.assign(new Error(`pack ended at ${at} bytes, expected ${expected}`), { code: 'EIO' }), path, 'read')
}
