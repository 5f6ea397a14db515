import { UnsupportedIndexError } from '../errors/index.js'
import { ioError, isNotFound, readFileOrNull } from '../io/fs.js'
import { LockFile, type LockFileOptions } from '../io/lock-file.js'
import type { RepoCore } from './core.js'
import { applyEntries, EncodedIndex } from './index-encoding.js'
import { compareIndexEntries, decodeIndex, type IndexEntry } from './index-file.js'
import { writeFileAtomic } from '../io/atomic.js'
import { parseGitBoolean } from './config.js'
import { RepoConfig } from './repo-config.js'
import { encodeSplitIndex, mergeSplit, planSplit, unsharedCount } from './split-index.js'
import { sharedIndexName } from './split-link.js'

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
  /** The shared index the current `.git/index` builds on (split mode), with its entries. */
  private shared: { base: string; entries: readonly IndexEntry[] } | null = null
  /** `core.splitIndex`, read once: `true` or `false` force the choice, unset leaves it to size. */
  private splitConfig: Promise<boolean | undefined> | null = null

  constructor(private readonly core: RepoCore) {}

  private get path(): string {
    return `${this.core.gitdir}/index`
  }

  /**
   * The index entries, reusing our cached copy while the file is the one we last wrote. An index
   * we cannot rewrite without losing the user's staged work is an {@link UnsupportedIndexError}.
   * A split index (ours, or one native git wrote) is read with its shared index.
   */
  async read(): Promise<IndexEntry[]> {
    const path = this.path
    let signature: string
    try {
      const st = await this.core.fs.stat(path, { bigint: true })
      signature = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`
    } catch (err) {
      if (isNotFound(err)) {
        this.shared = null
        return []
      }
      throw ioError(err, path, 'stat')
    }
    if (this.cache?.signature === signature) return this.cache.entries
    const raw = await readFileOrNull(this.core.fs, path)
    if (raw === null) return []
    const decoded = decodeIndex(raw)
    if (!decoded.ok) throw unsupported(path, decoded.reason, decoded.conflicted)
    let entries = decoded.entries
    if (decoded.link) {
      const shared = await this.readShared(decoded.link.base)
      try {
        entries = mergeSplit(shared, entries, decoded.link)
      } catch (err) {
        throw unsupported(path, (err as Error).message)
      }
      this.shared = { base: decoded.link.base, entries: shared }
    } else this.shared = null
    // Git writes the index sorted; `update` relies on it, so check once per file read, not per save.
    for (let i = 1; i < entries.length; i++) {
      if (compareIndexEntries(entries[i - 1]!, entries[i]!) > 0) {
        entries.sort(compareIndexEntries)
        break
      }
    }
    this.cache = { signature, entries }
    return entries
  }

  /** The entries of `sharedindex.<base>`, which must be a whole, unsplit index with that checksum. */
  private async readShared(base: string): Promise<readonly IndexEntry[]> {
    if (this.shared?.base === base) return this.shared.entries
    const path = `${this.core.gitdir}/${sharedIndexName(base)}`
    const raw = await readFileOrNull(this.core.fs, path)
    const reason =
      raw === null ? `it is a split index whose shared index ${sharedIndexName(base)} is missing` : raw.length < 32 || raw.toString('hex', raw.length - 20) !== base ? `its shared index ${sharedIndexName(base)} is damaged` : null
    if (reason !== null) throw unsupported(this.path, reason, undefined, 'remove .git/index and run `git reset` to rebuild it from HEAD')
    const decoded = decodeIndex(raw!)
    if (!decoded.ok) throw unsupported(path, decoded.reason, decoded.conflicted)
    if (decoded.link) throw unsupported(path, 'a shared index is itself split')
    return decoded.entries
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
    await this.commitNext(async (current) => {
      const entries = (await change(current)).sort(compareIndexEntries)
      return { entries, encode: () => EncodedIndex.of(entries) }
    })
  }

  /** Updates some index entries and removes others; keeps anything else the user staged. */
  async update(updates: readonly IndexEntry[], removed: readonly string[] = []): Promise<void> {
    // The index is kept sorted, and its encoding from the last write is reused: a save's few
    // entries are placed by binary search and spliced into the bytes (see EncodedIndex), with no
    // map of, sort over or re-encoding of the two entries per generation it holds (issue #14).
    // Split, only the entries are spliced; the bytes written are the few that changed.
    await this.commitNext((current) => {
      // The cached encoding is the file on disk whenever read() answered from the cache.
      const cache = this.cache
      const base = cache?.encoded && cache.entries === current ? cache.encoded : null
      return { entries: applyEntries(current, updates, removed), encode: () => (base ?? EncodedIndex.of(current)).apply(updates, removed) }
    })
  }

  /** Builds the new index from the current entries once `index.lock` is held, and renames it into place. */
  private async commitNext(build: (current: IndexEntry[]) => NextIndex | Promise<NextIndex>): Promise<void> {
    const path = this.path
    const lock = await LockFile.acquire(this.core.fs, path, INDEX_LOCK)
    const previousBase = this.shared?.base ?? null
    let file: Buffer
    let entries: readonly IndexEntry[]
    let encoded: EncodedIndex | undefined
    try {
      const next = await build(await this.read())
      entries = next.entries
      if (splitWanted(await this.splitSetting(), entries.length)) file = await this.splitFile(entries, () => (encoded ??= next.encode()))
      else {
        encoded = next.encode()
        file = encoded.file()
        this.shared = null
      }
    } catch (err) {
      await lock.rollback()
      throw err
    }
    // Not fsynced (perf, issue #14): at 5000 generations the index is ~840 KB, rewritten on every
    // save. It is derived data — git, and the store's repair, rebuild it from HEAD — and git
    // itself does not fsync it by default (core.fsync). The rename under index.lock still keeps
    // it whole against process crashes; only its durability across power loss is given up.
    await lock.commit(file, { sync: false, action: 'write' })
    try {
      const st = await this.core.fs.stat(path, { bigint: true })
      this.cache = { signature: `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`, entries: entries.slice(), ...(encoded ? { encoded } : {}) }
    } catch (err) {
      throw ioError(err, path, 'stat')
    }
    if ((this.shared?.base ?? null) !== previousBase) await this.removeOldShared(previousBase)
  }

  /**
   * The main file of a split index over the current shared index; first a new shared index (all
   * of `entries`, fsynced: the main file names it) when there is none yet or when too much has
   * changed since it was written (see {@link reshareLimit}).
   */
  private async splitFile(entries: readonly IndexEntry[], encode: () => EncodedIndex): Promise<Buffer> {
    const current = this.shared
    const plan = current && planSplit(entries, current.entries)
    if (current && plan && unsharedCount(plan) <= reshareLimit(current.entries.length)) return encodeSplitIndex(plan, current.base)
    const whole = encode().file()
    const base = whole.toString('hex', whole.length - 20)
    await writeFileAtomic(this.core.fs, `${this.core.gitdir}/${sharedIndexName(base)}`, whole, { sync: this.core.sync })
    this.shared = { base, entries: entries.slice() }
    // Everything is in the new shared index: the main file holds nothing but the link.
    return encodeSplitIndex({ deleted: [], replacedAt: [], replacements: [], added: [] }, base)
  }

  /**
   * Deletes shared indexes no longer in use, except `previous`, the one the index just replaced
   * named: a `git status` that read that index an instant ago may still be about to open it.
   */
  private async removeOldShared(previous: string | null): Promise<void> {
    const keep = new Set([this.shared?.base, previous].filter((b): b is string => typeof b === 'string').map(sharedIndexName))
    const names = await this.core.fs.readdir(this.core.gitdir).catch(() => [] as string[])
    await Promise.all(names.filter((n) => /^sharedindex\.[0-9a-f]{40}$/.test(n) && !keep.has(n)).map((n) => this.core.fs.unlink(`${this.core.gitdir}/${n}`).catch(() => undefined)))
  }

  private splitSetting(): Promise<boolean | undefined> {
    this.splitConfig ??= new RepoConfig(this.core).get('core.splitIndex').then(parseGitBoolean, () => undefined)
    return this.splitConfig
  }
}

/** The next index: its entries, and their full encoding when one is needed (an unsplit index, a new shared one). */
interface NextIndex {
  entries: readonly IndexEntry[]
  encode: () => EncodedIndex
}

/**
 * An index of this many entries or more is written split unless `core.splitIndex` says
 * otherwise: two entries per generation, so from about 2000 generations, where rewriting the
 * whole index (350 KB) on every save starts to show. Smaller stores keep a plain index, which
 * tools without split-index support (libgit2) also read.
 */
export const SPLIT_INDEX_ENTRIES = 4096

/**
 * A new shared index is written once more than this many entries differ from it: 500 saves'
 * worth at most, so the main file stays under ~90 KB, and at most a fifth of the shared index
 * (git's own `splitIndex.maxPercentChange` default).
 */
function reshareLimit(sharedEntries: number): number {
  return Math.min(1000, Math.floor(sharedEntries / 5))
}

function splitWanted(setting: boolean | undefined, entries: number): boolean {
  return setting ?? entries >= SPLIT_INDEX_ENTRIES
}

function unsupported(path: string, reason: string, conflicted?: string[], hint?: string): UnsupportedIndexError {
  const advice = hint ?? (conflicted ? 'finish or abort the merge with git first' : 'let git rewrite it (for example `git update-index --index-version 2`) first')
  return new UnsupportedIndexError(`evogit will not rewrite ${path}: ${reason}; ${advice}`, { path, reason, ...(conflicted ? { conflicted } : {}) })
}
