import { UnsupportedIndexError } from '../errors/index.js'
import { ioError, isNotFound, readFileOrNull } from '../io/fs.js'
import { LockFile, type LockFileOptions } from '../io/lock-file.js'
import type { RepoCore } from './core.js'
import { EncodedIndex } from './index-encoding.js'
import { compareIndexEntries, decodeIndex, type IndexEntry } from './index-file.js'

/**
 * Native git holds `index.lock` briefly for every `git status` (an editor may run one every few
 * seconds), so wait for it a while, as for ref locks, before giving up with a typed error.
 */
const INDEX_LOCK: LockFileOptions = {
  attempts: 60,
  delayMs: (attempt) => Math.min(20 + attempt, 50),
  action: 'lock the index (another git command may be running)',
}

/**
 * `.git/index`: read with a stat-signature cache, and rewritten only under git's own
 * `index.lock`, read after the lock is held (as isomorphic-git's `GitIndexManager` does).
 */
export class IndexManager {
  /** The index as we last wrote or read it, and the stat signature that says it is still current. */
  private cache: { signature: string; entries: IndexEntry[]; encoded?: EncodedIndex } | null = null

  constructor(private readonly core: RepoCore) {}

  private get path(): string {
    return `${this.core.gitdir}/index`
  }

  /**
   * The index entries, reusing our cached copy while the file is the one we last wrote. An index
   * we cannot rewrite without losing the user's staged work is an {@link UnsupportedIndexError}.
   */
  async read(): Promise<IndexEntry[]> {
    const path = this.path
    let signature: string
    try {
      const st = await this.core.fs.stat(path, { bigint: true })
      signature = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`
    } catch (err) {
      if (isNotFound(err)) return []
      throw ioError(err, path, 'stat')
    }
    if (this.cache?.signature === signature) return this.cache.entries
    const raw = await readFileOrNull(this.core.fs, path)
    if (raw === null) return []
    const decoded = decodeIndex(raw)
    if (!decoded.ok) {
      const hint = decoded.conflicted ? 'finish or abort the merge with git first' : 'let git rewrite it (for example `git update-index --index-version 2 --no-split-index`) first'
      throw new UnsupportedIndexError(`evogit will not rewrite ${path}: ${decoded.reason}; ${hint}`, {
        path,
        reason: decoded.reason,
        ...(decoded.conflicted ? { conflicted: decoded.conflicted } : {}),
      })
    }
    // Git writes the index sorted; `update` relies on it, so check once per file read, not per save.
    const entries = decoded.entries
    for (let i = 1; i < entries.length; i++) {
      if (compareIndexEntries(entries[i - 1]!, entries[i]!) > 0) {
        entries.sort(compareIndexEntries)
        break
      }
    }
    this.cache = { signature, entries }
    return entries
  }

  /** Replaces the whole index, atomically, under git's own `index.lock`. */
  async write(entries: IndexEntry[]): Promise<void> {
    await this.modify(() => entries)
  }

  /**
   * The index's read-modify-write: `change` gets the current entries only after `index.lock` is
   * held, so a `git add` that lands meanwhile is never overwritten with a stale copy, and its
   * result replaces the index atomically. The lock is released whatever happens.
   */
  async modify(change: (current: IndexEntry[]) => IndexEntry[] | Promise<IndexEntry[]>): Promise<void> {
    await this.commitEncoded(async (current) => EncodedIndex.of((await change(current)).sort(compareIndexEntries)))
  }

  /** Updates some index entries and removes others; keeps anything else the user staged. */
  async update(updates: readonly IndexEntry[], removed: readonly string[] = []): Promise<void> {
    // The index is kept sorted, and its encoding from the last write is reused: a save's few
    // entries are placed by binary search and spliced into the bytes (see EncodedIndex), with no
    // map of, sort over or re-encoding of the two entries per generation it holds (issue #14).
    await this.commitEncoded((current) => {
      // The cached encoding is the file on disk whenever read() answered from the cache.
      const cache = this.cache
      return (cache?.encoded && cache.entries === current ? cache.encoded : EncodedIndex.of(current)).apply(updates, removed)
    })
  }

  /** Builds the new index from the current entries once `index.lock` is held, and renames it into place. */
  private async commitEncoded(build: (current: IndexEntry[]) => EncodedIndex | Promise<EncodedIndex>): Promise<void> {
    const path = this.path
    const lock = await LockFile.acquire(this.core.fs, path, INDEX_LOCK)
    let next: EncodedIndex
    try {
      next = await build(await this.read())
    } catch (err) {
      await lock.rollback()
      throw err
    }
    // Not fsynced (perf, issue #14): at 5000 generations the index is ~840 KB, rewritten on every
    // save. It is derived data — git, and the store's repair, rebuild it from HEAD — and git
    // itself does not fsync it by default (core.fsync). The rename under index.lock still keeps
    // it whole against process crashes; only its durability across power loss is given up.
    await lock.commit(next.file(), { sync: false, action: 'write' })
    try {
      const st = await this.core.fs.stat(path, { bigint: true })
      this.cache = { signature: `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`, entries: next.entries.slice(), encoded: next }
    } catch (err) {
      throw ioError(err, path, 'stat')
    }
  }
}
