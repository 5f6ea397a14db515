import { inflateSync } from 'node:zlib'
import { ioError, isNotFound, type StoreFs } from '../io/fs.js'
import type { GitObject, ObjectType } from './object-types.js'
import { applyDelta, deltaResultSize } from './delta.js'
import { findInPacks, loadPackIndex, UnsupportedPackError, type PackIndex } from './pack-index.js'
import { PackWindows } from './pack-window.js'

/**
 * Reads objects from the packs native git writes (`git gc`, `git repack`, `evogit compact`),
 * with node's zlib. isomorphic-git inflates through pako, several times slower, and reading an
 * old generation from a compacted store means inflating a delta chain of up to `--depth` links,
 * so this reader is what keeps loading from history close to reading a plain file.
 *
 * Only pack index version 2 (what git has written since 2008) is read here; a pack it does not
 * understand is reported as such, and the caller falls back to isomorphic-git.
 */

const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' }
const OFS_DELTA = 6
const REF_DELTA = 7
/**
 * Resolved objects kept for the delta chains of the next reads (by total content size, each kept
 * as a tight copy). Keeping one link in {@link CHECKPOINT}, 8 MB holds the chains of a root tree
 * of several thousand generations; 64 MB (when every link was kept) bought the report of
 * 10 × 1000 generations no time and cost it a fifth of its memory bound, and 16 MB cost it ~15 MB
 * of peak RSS over 8 MB, again for no time.
 */
const CACHE_BYTES = 8 << 20
/**
 * Of a resolved delta chain, the cache keeps the result and one link in this many. Keeping every
 * link made each read of an old root tree (40 KB, up to 50 links in a fast-import pack) cache
 * 2 MB that lived on in the old generation until evicted: the report of 10 × 1000 generations
 * cycled 126 MB through the cache and peaked ~19 MB higher, for no time saved.
 */
const CHECKPOINT = 8
/**
 * How many commits the reader keeps for delta chains (twice what compare's walk needed; at most
 * ~1 MB even when each pins the 8 KB Buffer pool slab it was inflated into), and the largest.
 */
const RECENT_COMMITS = 128
const RECENT_COMMIT_BYTES = 4096
/** Cache keys of a pack are `slot * PACK_KEY_SPAN + offset`: exact for packs under 1 TiB, and 8192 slots. */
const PACK_KEY_SPAN = 2 ** 40
const PACK_SLOTS = 8192
/** The most an entry's header can take: type and size (10 bytes), then a base offset (10) or a base id (20). */
const HEADER_MAX = 32

export { applyDelta, UnsupportedPackError }

/** The packs of one repository, with a bounded cache of resolved objects. */
export class PackReader {
  private packs: PackIndex[] | null = null
  /** Keyed by pack (its place in `packs` times {@link PACK_KEY_SPAN}) plus offset: no string is built per lookup. */
  private readonly cache = new Map<number, GitObject>()
  private cacheBytes = 0
  /** Recently read commits, by the same keys (see {@link PackReader.rememberCommit}). */
  private readonly commits = new Map<number, GitObject>()
  /**
   * Each loaded pack's slot in the cache keys, never the same for two packs loaded in a row: a
   * read that was under way when {@link PackReader.forget} ran (a compaction replaced the packs)
   * still caches what it read under its pack's slot, and with the pack's place in the new list
   * as its key, that could have answered a later read of another pack at the same offset (every
   * pack's first object is at offset 12) with the wrong object.
   */
  private readonly slots = new WeakMap<PackIndex, number>()
  private nextSlot = 0
  private readonly windows: PackWindows

  constructor(
    private readonly fs: StoreFs,
    private readonly gitdir: string,
    /** Resolves a REF_DELTA base that lives outside the pack (loose, or in another pack). */
    private readonly readBase: (oid: string) => Promise<GitObject>,
  ) {
    this.windows = new PackWindows(fs)
  }

  /** Drops every cached index and object (after a repack replaced the packs). */
  forget(): void {
    this.packs = null
    this.windows.clear()
    this.cache.clear()
    this.commits.clear()
    this.cacheBytes = 0
  }

  /**
   * The object, or `null` when no pack has it. With `rescan`, a miss lists the pack directory
   * again first (another process may have repacked); without it, a miss costs no I/O, which is
   * what lets a reader try the packs before the loose objects.
   */
  async read(oid: string, rescan = true): Promise<GitObject | null> {
    let found = findInPacks(await this.loadPacks(), oid)
    if (!found && rescan && (await this.packsChanged())) {
      this.forget()
      found = findInPacks(await this.loadPacks(), oid)
    }
    if (!found) return null
    try {
      return await this.readAt(found.pack, found.offset)
    } catch (err) {
      if (!isNotFound(err) && !isNotFound((err as { cause?: unknown }).cause)) throw err
      // The pack was deleted under us (a concurrent repack): list the packs again, once.
      this.forget()
      const again = findInPacks(await this.loadPacks(), oid)
      return again ? this.readAt(again.pack, again.offset) : null
    }
  }

  /** True when the pack directory no longer lists exactly the packs we loaded. */
  private async packsChanged(): Promise<boolean> {
    const loaded = (this.packs ?? []).map((p) => p.packPath.slice(p.packPath.lastIndexOf('/') + 1)).sort()
    let names: string[]
    try {
      names = (await this.fs.readdir(`${this.gitdir}/objects/pack`)).filter((n) => n.endsWith('.pack')).sort()
    } catch (err) {
      if (isNotFound(err)) names = []
      else throw ioError(err, `${this.gitdir}/objects/pack`, 'list')
    }
    return names.length !== loaded.length || names.some((n, i) => n !== loaded[i])
  }

  private async loadPacks(): Promise<PackIndex[]> {
    if (this.packs) return this.packs
    const dir = `${this.gitdir}/objects/pack`
    let names: string[]
    try {
      names = await this.fs.readdir(dir)
    } catch (err) {
      if (isNotFound(err)) return (this.packs = [])
      throw ioError(err, dir, 'list')
    }
    const packs: PackIndex[] = []
    for (const name of names.filter((n) => n.endsWith('.idx')).sort()) {
      const base = name.slice(0, -4)
      if (!names.includes(`${base}.pack`)) continue
      const pack = await loadPackIndex(this.fs, `${dir}/${name}`, `${dir}/${base}.pack`)
      this.slots.set(pack, this.nextSlot)
      this.nextSlot = (this.nextSlot + 1) % PACK_SLOTS
      packs.push(pack)
    }
    return (this.packs = packs)
  }

  /** Resolves the entry at `offset`, walking its delta chain down to a whole object and back up. */
  private async readAt(pack: PackIndex, offset: number): Promise<GitObject> {
    const chain: Buffer[] = []
    let base: GitObject | null = null
    let at = offset
    const seen: number[] = []
    const slot = this.slots.get(pack)!
    const keyBase = slot * PACK_KEY_SPAN
    for (;;) {
      const cached = this.cache.get(keyBase + at) ?? this.commits.get(keyBase + at)
      if (cached) {
        base = cached
        break
      }
      if (seen.length > 10_000) throw new Error(`delta chain at ${pack.packPath}:${offset} is too long`)
      seen.push(at)
      // Entries are read in place in their window: zlib stops where an entry's stream ends.
      const head = await this.windows.read(pack, slot, at, HEADER_MAX)
      let entry = head.buf
      let p = head.start
      let c = entry[p++]!
      const type = (c >> 4) & 7
      let size = c & 15
      let shift = 4
      while (c & 0x80) {
        c = entry[p++]!
        size += (c & 0x7f) * 2 ** shift
        shift += 7
      }
      // An entry that runs past its window's end is read again as one joined range.
      const needed = p - head.start + HEADER_MAX + deflateBound(size)
      if (head.start + needed > entry.length && at - head.start + entry.length < pack.packSize) {
        const whole = await this.windows.read(pack, slot, at, needed)
        p = whole.start + (p - head.start)
        entry = whole.buf
      }
      if (type === OFS_DELTA) {
        c = entry[p++]!
        let back = c & 0x7f
        while (c & 0x80) {
          c = entry[p++]!
          back = (back + 1) * 128 + (c & 0x7f)
        }
        chain.push(inflate(entry, p, size))
        at -= back
        continue
      }
      if (type === REF_DELTA) {
        const baseOid = entry.toString('hex', p, p + 20)
        chain.push(inflate(entry, p + 20, size))
        const inPack = findInPacks([pack], baseOid)
        if (inPack) {
          at = inPack.offset
          continue
        }
        base = await this.readBase(baseOid)
        break
      }
      const kind = TYPES[type]
      if (!kind) throw new Error(`unknown pack entry type ${type} at ${pack.packPath}:${at}`)
      base = { type: kind, content: inflate(entry, p, size) }
      this.remember(keyBase + at, base)
      seen.pop()
      break
    }
    let result: GitObject = base
    const scratch = new Scratch()
    for (let i = chain.length - 1; i >= 0; i--) {
      const key = seen[i]
      // The object asked for, and every CHECKPOINT-th link up from the base: a later read of a
      // nearby version (a walk, newest first) then applies fewer than CHECKPOINT deltas. The
      // links between are built in scratch buffers, since nothing keeps them.
      const kept = i === 0 || (chain.length - 1 - i) % CHECKPOINT === CHECKPOINT - 1
      const delta = chain[i]!
      result = { type: result.type, content: kept ? applyDelta(result.content, delta) : applyDelta(result.content, delta, scratch.next(deltaResultSize(delta))) }
      if (kept && key !== undefined) this.remember(keyBase + key, result)
    }
    return result
  }

  private remember(key: number, obj: GitObject): void {
    if (obj.type === 'commit') return this.rememberCommit(key, obj)
    if (obj.content.length > CACHE_BYTES / 4) return
    // zlib hands back a view of its 16 KB output chunk, and small Buffers share an 8 KB pool: a
    // 300-byte commit kept as such a view pins 16 KB, and 64 MB of cached content pinned 220 MB
    // (the report of 10 × 1000 generations). A tight copy makes the byte bound the real one.
    if (obj.content.byteLength !== obj.content.buffer.byteLength) {
      const tight = Buffer.allocUnsafeSlow(obj.content.length)
      obj.content.copy(tight)
      obj = { type: obj.type, content: tight }
    }
    const old = this.cache.get(key)
    if (old) {
      this.cache.delete(key)
      this.cacheBytes -= old.content.length
    }
    this.cache.set(key, obj)
    this.cacheBytes += obj.content.length
    while (this.cacheBytes > CACHE_BYTES) {
      const [oldest, value] = this.cache.entries().next().value as [number, GitObject]
      this.cache.delete(oldest)
      this.cacheBytes -= value.content.length
    }
  }

  /**
   * Commits are kept apart, the last {@link RECENT_COMMITS} read: in the main cache a walk of
   * 10 000 commits filled it with tight copies (~10 MB of small buffers outliving the walk) and
   * pushed out the trees delta chains come back to. Yet git deltas a third of a store's commits
   * against commits of the same size, mostly ones a walk has just read, and without any kept
   * each of those re-inflated its base: 15 500 inflates for compare's 10 600 reads, 10 860 with
   * the last 64 kept (4096 saved only 50 more).
   */
  private rememberCommit(key: number, obj: GitObject): void {
    if (obj.content.length > RECENT_COMMIT_BYTES) return
    this.commits.set(key, obj)
    if (this.commits.size > RECENT_COMMITS) this.commits.delete(this.commits.keys().next().value!)
  }
}

/** The most bytes zlib's deflate can make of `size` bytes (zlib's `deflateBound`, rounded up). */
function deflateBound(size: number): number {
  return size + Math.ceil(size / 2048) + 64
}

/**
 * The entry's header gives its inflated size, so zlib's output buffer is made just big enough
 * (one byte more, so a full buffer never makes zlib allocate another to find the end). With the
 * default 16 KB chunk every commit of ~700 bytes left 16 KB of garbage outside the JS heap: the
 * report's walk of 10 x 1000 generations made about 400 MB of it, and its peak RSS fell ~10 MB.
 */
function inflate(entry: Buffer, start: number, size: number): Buffer {
  const out = inflateSync(entry.subarray(start), { chunkSize: Math.max(64, size + 1) })
  if (out.length !== size) throw new Error(`pack entry inflated to ${out.length} bytes, expected ${size}`)
  return out
}

/** Two buffers that the unkept links of one delta chain are built in by turns, each link from the one before. */
class Scratch {
  private readonly buffers: [Buffer | null, Buffer | null] = [null, null]
  private turn = 0

  next(size: number): Buffer {
    this.turn ^= 1
    const have = this.buffers[this.turn]
    if (have && have.length >= size) return have
    return (this.buffers[this.turn] = Buffer.allocUnsafeSlow(size))
  }
}
