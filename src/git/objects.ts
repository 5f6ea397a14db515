import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { CorruptObjectError } from '../errors/index.js'
import { fsyncPath, writeFileAtomic } from '../io/atomic.js'
import { errnoOf, ioError, isNotFound, nodeStoreFs, type StoreFs } from '../io/fs.js'
import { deflateObject } from './deflate.js'
import { isoGit } from './isomorphic.js'
import { inflateLoose, readSmallFileSync } from './loose-read.js'
import type { GitObject, IsoFs, ObjectType } from './object-types.js'
import { PackReader, UnsupportedPackError } from './pack.js'

/** Objects up to this size are compressed harder; larger ones as fast as zlib can. */
export const HARD_COMPRESSION_LIMIT = 512 * 1024

/**
 * zlib level 6 makes a generation file about a quarter smaller than level 1 (0.17 vs 0.22 of the
 * JSON for 100 personas) for ~3 ms, which keeps a long run of small generations's loose
 * repository small; for a 1 MB generation that would double the save, so large objects get
 * level 1 and `compact()` shrinks them later.
 */
export function compressionLevel(size: number): number {
  return size <= HARD_COMPRESSION_LIMIT ? 6 : 1
}

/**
 * Trees up to this size are deflated at level 1; larger ones are stored (level 0, still a valid
 * zlib stream that every git reads). A root tree holds one entry per generation, half of it a
 * SHA-1 that no level compresses, and it is rewritten on every save: at 10,000 generations
 * (409 KB) level 1 took 15 ms a save on a loaded 2-core machine for 0.62 of the size, level 0
 * 2 ms (issue #14, target 1). Background compaction packs them with deltas soon after.
 */
export const STORED_TREE_LIMIT = 32 * 1024

/** The zlib level of a tree object of `size` bytes (see {@link STORED_TREE_LIMIT}). */
export function treeCompressionLevel(size: number): number {
  return size <= STORED_TREE_LIMIT ? 1 : 0
}

/**
 * Objects smaller than this are deflated on the main thread: for trees, commits and sidecars the
 * round trip through libuv's thread pool costs more than the compression itself. So it does for
 * a stored object of any size (level 0 is a copy and zlib's Adler-32): a 408 KB root tree took
 * 0.15-0.36 ms with deflateSync and 1.2-2.0 ms through the pool in two halves, and its write is
 * the last of a save, as it needs every other tree's id.
 */
const SYNC_DEFLATE_LIMIT = 64 << 10

export type { GitObject, IsoFs, ObjectType } from './object-types.js'

/**
 * Reads and writes git objects. Writes are loose objects hashed with node:crypto, deflated with
 * node's zlib (level 6 for small objects, 1 for large ones: deflate is the save path's biggest cost after JSON.stringify) and renamed into
 * place atomically. Reads take the loose file directly and fall back to isomorphic-git for
 * objects that native `git gc` moved into packs.
 */
export class ObjectDatabase {
  /** Objects this process wrote or verified; re-verifying them on every save would be wasted work. */
  private readonly known = new Set<string>()
  /** Writes started by `enqueue`, awaited together by `drain`. */
  private pending: Promise<string>[] = []
  /** Objects written with a deferred fsync, made durable by the next `flush`. */
  private readonly unsynced = new Set<string>()
  /** isomorphic-git keeps parsed pack indexes here between calls (only used for packs our reader refuses). */
  private packCache: object = {}
  /** Our own pack reader (node's zlib, a delta-base cache). */
  private readonly packs: PackReader

  constructor(
    private readonly fs: StoreFs,
    private readonly gitdir: string,
    private readonly isoFs: IsoFs,
    private readonly options: { sync: boolean } = { sync: true },
  ) {
    this.packs = new PackReader(fs, gitdir, (oid) => this.read(oid))
  }

  /** Forgets what we know about packs; call after a repack replaced them. */
  forgetPacks(): void {
    this.packs.forget()
    // A repack may drop unreachable objects we remembered writing; re-check them on next write.
    this.known.clear()
    this.packCache = {}
  }

  /** The id git would give `content` as an object of `type`. */
  static hash(type: ObjectType, content: Uint8Array): string {
    return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex')
  }

  /** Where a loose object lives. */
  loosePath(oid: string): string {
    return `${this.gitdir}/objects/${oid.slice(0, 2)}/${oid.slice(2)}`
  }

  /**
   * Stores an object and returns its id. The object is written (temp name, then rename) even when
   * a loose file for it exists: an object a save writes is nearly always brand new, so reading
   * first to spare a rare rewrite cost every save one read per object (issue #14). The rename
   * also replaces a torn object left by an older crash (isomorphic-git writes in place and then
   * skips existing files), which would otherwise block the save that needs it forever.
   */
  async write(type: ObjectType, content: Uint8Array, options: { deferSync?: boolean; oid?: string } = {}): Promise<string> {
    // A caller that already hashed the content (to start other work in parallel) passes the id.
    const oid = options.oid ?? ObjectDatabase.hash(type, content)
    if (this.known.has(oid)) return oid
    return this.writeDeflated(oid, ObjectDatabase.deflate(type, content), options)
  }

  /**
   * The loose-object bytes of `content`, deflated in memory (in the thread pool when big): no
   * file is touched, so a save may start this before it holds the lock, and write the result
   * with {@link ObjectDatabase.writeDeflated} once it does.
   */
  static deflate(type: ObjectType, content: Uint8Array): Promise<Buffer> {
    const header = Buffer.from(`${type} ${content.length}\0`)
    const size = header.length + content.length
    const level = type === 'tree' ? treeCompressionLevel(size) : compressionLevel(size)
    if (size < SYNC_DEFLATE_LIMIT || level === 0) return Promise.resolve(deflateSync(Buffer.concat([header, content]), { level }))
    return deflateObject(header, content, level)
  }

  /** Writes an object deflated by {@link ObjectDatabase.deflate} (`oid` is trusted) and returns its id. */
  async writeDeflated(oid: string, deflated: Promise<Buffer>, options: { deferSync?: boolean } = {}): Promise<string> {
    if (this.known.has(oid)) return oid
    const path = this.loosePath(oid)
    const compressed = await deflated
    const defer = this.options.sync && options.deferSync === true
    await writeFileAtomic(this.fs, path, compressed, { mkdir: true, sync: this.options.sync && !defer })
    if (defer) this.unsynced.add(path)
    this.known.add(oid)
    return oid
  }

  /**
   * Starts writing an object (fsynced as it is written) and returns its id at once: the id depends only on
   * the content, so a caller can build a tree, its parent trees and the commit in memory and let
   * all their writes run side by side. `drain` waits for them (and reports the first failure).
   */
  enqueue(type: ObjectType, content: Uint8Array): string {
    const oid = ObjectDatabase.hash(type, content)
    if (!this.known.has(oid)) this.pending.push(this.write(type, content, { oid }))
    return oid
  }

  /** Waits for every write started by `enqueue`. */
  async drain(): Promise<void> {
    const writes = this.pending
    this.pending = []
    const results = await Promise.allSettled(writes)
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }

  /**
   * fsyncs, in parallel, every object written with `deferSync` since the last flush. A save
   * writes several objects and must make all of them durable before its ref moves; one parallel
   * round instead of one fsync per object keeps that guarantee at a fraction of the latency. An
   * object torn by power loss before its flush is unreferenced, and the next write of the same
   * content finds it damaged and rewrites it.
   */
  async flush(): Promise<void> {
    const paths = [...this.unsynced]
    this.unsynced.clear()
    await Promise.all(paths.map((path) => this.syncObject(path)))
  }

  /**
   * fsyncs one loose object. A blob staged before the write lock (see `stageFiles`) may meet a
   * compaction's `git prune-packed`, which deletes a loose object once a pack holds it: then the
   * pack copy is the durable one, and the vanished loose file is no failure.
   */
  private async syncObject(path: string): Promise<void> {
    try {
      await fsyncPath(this.fs, path)
    } catch (err) {
      const oid = path.slice(-41).replace('/', '')
      if (!isNotFound((err as { cause?: unknown }).cause ?? err)) throw err
      this.known.delete(oid)
      if ((await this.readPacked(oid).catch(() => null)) === null) throw err
      this.known.add(oid)
    }
  }

  /**
   * A loose object's bytes. With the real file system the read is synchronous: walking history
   * reads one small file per commit, strictly one after another, and four thread-pool round trips
   * per file (open, fstat, read, close) cost far more than the read itself. An injected fs (tests
   * that simulate failures) is always used as given.
   */
  private async readLoose(path: string): Promise<Buffer | null> {
    try {
      return this.fs === nodeStoreFs ? readSmallFileSync(path) : await this.fs.readFile(path)
    } catch (err) {
      if (isNotFound(err)) return null
      throw ioError(err, path, 'read')
    }
  }

  /**
   * Reads an object, packed or loose; a missing or damaged one is a {@link CorruptObjectError}.
   * Packs already in memory are asked first (a miss there costs no I/O), as git does; packs are
   * listed again only when neither has the object.
   */
  async read(oid: string): Promise<GitObject> {
    const early = await this.readPacked(oid, false).catch(() => null)
    if (early) return early
    const path = this.loosePath(oid)
    const raw = await this.readLoose(path)
    if (raw !== null) {
      try {
        return inflateLoose(raw, oid)
      } catch (err) {
        // A damaged loose copy may have an intact packed twin; try that before giving up.
        const packed = await this.readPacked(oid).catch(() => null)
        if (packed) return packed
        throw new CorruptObjectError(`object ${oid} is damaged: ${(err as Error).message}`, { oid, reason: (err as Error).message })
      }
    }
    const packed = await this.readPacked(oid)
    if (!packed) throw new CorruptObjectError(`object ${oid} is missing from the repository`, { oid, reason: 'missing' })
    return packed
  }

  /** Reads an object and checks its type. */
  async readTyped(oid: string, type: ObjectType): Promise<Buffer> {
    const obj = await this.read(oid)
    if (obj.type !== type) {
      throw new CorruptObjectError(`object ${oid} is a ${obj.type}, expected a ${type}`, { oid, reason: `expected ${type}, found ${obj.type}` })
    }
    return obj.content
  }

  /** True when the object exists, loose or packed. */
  async has(oid: string): Promise<boolean> {
    if (this.known.has(oid)) return true
    try {
      await this.fs.stat(this.loosePath(oid))
      return true
    } catch (err) {
      if (!isNotFound(err)) throw ioError(err, this.loosePath(oid), 'stat')
    }
    return (await this.readPacked(oid).catch(() => null)) !== null
  }

  private async readPacked(oid: string, rescan = true): Promise<GitObject | null> {
    try {
      return await this.packs.read(oid, rescan)
    } catch (err) {
      if (!(err instanceof UnsupportedPackError)) {
        if (errnoOf(err) || errnoOf((err as { cause?: unknown }).cause)) throw ioError(err, `${this.gitdir}/objects/pack`, 'read')
        if (err instanceof CorruptObjectError) throw err
        throw new CorruptObjectError(`object ${oid} could not be read from a pack: ${(err as Error).message}`, { oid, reason: (err as Error).message })
      }
    }
    if (!rescan) return null
    try {
      const result = await (await isoGit()).readObject({ fs: this.isoFs, gitdir: this.gitdir, oid, format: 'content', cache: this.packCache })
      return { type: result.type as ObjectType, content: Buffer.from(result.object as Uint8Array) }
    } catch (err) {
      if ((err as { code?: string }).code === 'NotFoundError') return null
      if (errnoOf(err)) throw ioError(err, `${this.gitdir}/objects/pack`, 'read')
      throw new CorruptObjectError(`object ${oid} could not be read from a pack: ${(err as Error).message}`, { oid, reason: (err as Error).message })
    }
  }
}
