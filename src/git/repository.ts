import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { CorruptObjectError, StoreIOError, UnsupportedIndexError } from '../errors/index.js'
import { fsyncPath, mkdirp, replaceUnderLock, tempPathFor, writeAndSync, writeFileAtomic } from '../io/atomic.js'
import { errnoOf, ioError, isNotFound, readFileOrNull, type StoreFs } from '../io/fs.js'
import {
  compareTreeEntries,
  decodeCommit,
  decodeTag,
  decodeTree,
  encodeCommit,
  encodeTag,
  encodeTree,
  type CommitData,
  type TagData,
  type TreeEntry,
} from './format.js'
import { compareIndexEntries, decodeIndex, encodeIndex, entryFromStat, entryWithoutStat, type IndexEntry } from './index-file.js'
import { canonicalConfigName, parseGitConfig } from './config.js'
import { isoGit } from './isomorphic.js'
import { ObjectDatabase, type IsoFs } from './objects.js'
import { RefStore } from './refs.js'

/** The id of the empty tree, which every git knows without storing it. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

/** A small LRU: trees and commits are immutable, so a hit is always correct. */
class Lru<V> {
  private readonly map = new Map<string, V>()
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }
  set(key: string, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string)
  }
}

/** A file staged for the working tree: already written and fsynced to a temp name, renamed by `commitFiles`. */
export interface PreparedFile {
  path: string
  oid: string
  tmp: string
}

/** Options of {@link Repository.open}. */
export interface RepositoryOptions {
  fs: StoreFs
  dir: string
  /** fsync every file before it is renamed into place (default true). */
  sync?: boolean
}

/**
 * One non-bare git repository: its object database, refs, index and working tree. Reading
 * needs no checkout; writing is done by the store under its write lock.
 */
export class Repository {
  readonly fs: StoreFs
  readonly dir: string
  readonly gitdir: string
  readonly isoFs: IsoFs
  readonly objects: ObjectDatabase
  readonly refs: RefStore
  readonly sync: boolean
  private readonly trees = new Lru<readonly TreeEntry[]>(512)
  private readonly commits = new Lru<CommitData>(8192)
  /** The index as we last wrote or read it, and the stat signature that says it is still current. */
  private indexCache: { signature: string; entries: IndexEntry[] } | null = null

  private constructor(options: RepositoryOptions) {
    this.fs = options.fs
    this.dir = options.dir
    this.gitdir = `${options.dir}/.git`
    this.sync = options.sync ?? true
    this.isoFs = { promises: withAtomicWrites(options.fs, this.sync) }
    this.objects = new ObjectDatabase(this.fs, this.gitdir, this.isoFs, { sync: this.sync })
    this.refs = new RefStore(this.fs, this.gitdir, this.isoFs)
  }

  /** Opens the repository whose working tree is `dir`. */
  static open(options: RepositoryOptions): Repository {
    return new Repository(options)
  }

  /** Creates `.git` with isomorphic-git, on `defaultBranch`. */
  static async init(options: RepositoryOptions & { defaultBranch: string }): Promise<Repository> {
    const repo = new Repository(options)
    try {
      await (await isoGit()).init({ fs: repo.isoFs, dir: options.dir, defaultBranch: options.defaultBranch })
    } catch (err) {
      throw ioError(err, repo.gitdir, 'initialise git repository in')
    }
    return repo
  }

  /** True when `dir/.git` is a git directory. */
  static async exists(fs: StoreFs, dir: string): Promise<boolean> {
    try {
      const st = await fs.stat(`${dir}/.git/HEAD`)
      return st.isFile()
    } catch (err) {
      if (isNotFound(err)) return false
      throw ioError(err, `${dir}/.git`, 'inspect')
    }
  }

  /** Reads a git config value (repository-local config only). */
  async getConfig(path: string): Promise<string | undefined> {
    // Read by our own parser: isomorphic-git would be loaded on every open just for this.
    const raw = await readFileOrNull(this.fs, `${this.gitdir}/config`)
    return raw === null ? undefined : parseGitConfig(raw.toString('utf8')).get(canonicalConfigName(path))
  }

  /** Sets a git config value. Only called when a store is created or adopted, never on the save path. */
  async setConfig(path: string, value: string): Promise<void> {
    try {
      await (await isoGit()).setConfig({ fs: this.isoFs, gitdir: this.gitdir, path, value })
    } catch (err) {
      throw ioError(err, `${this.gitdir}/config`, 'write')
    }
  }

  /** The full id of an abbreviated one, or `null` when none (or more than one) matches. */
  async expandOid(short: string): Promise<string | null> {
    try {
      return await (await isoGit()).expandOid({ fs: this.isoFs, gitdir: this.gitdir, oid: short })
    } catch {
      return null
    }
  }

  /** A parsed commit (cached). */
  async readCommit(oid: string): Promise<CommitData> {
    const hit = this.commits.get(oid)
    if (hit) return hit
    const commit = decodeCommit(await this.objects.readTyped(oid, 'commit'))
    this.commits.set(oid, commit)
    return commit
  }

  /** A parsed tree (cached). */
  async readTree(oid: string): Promise<readonly TreeEntry[]> {
    if (oid === EMPTY_TREE) return []
    const hit = this.trees.get(oid)
    if (hit) return hit
    let entries: TreeEntry[]
    try {
      entries = decodeTree(await this.objects.readTyped(oid, 'tree'))
    } catch (err) {
      if (err instanceof CorruptObjectError) throw err
      throw new CorruptObjectError(`tree ${oid} is malformed: ${(err as Error).message}`, { oid, reason: (err as Error).message })
    }
    this.trees.set(oid, entries)
    return entries
  }

  /** A parsed annotated tag. */
  async readTag(oid: string): Promise<TagData> {
    return decodeTag(await this.objects.readTyped(oid, 'tag'))
  }

  /** Follows annotated tags until a non-tag object; returns its id and type. */
  async peel(oid: string): Promise<{ oid: string; type: string }> {
    let current = oid
    for (let depth = 0; depth < 16; depth++) {
      const obj = await this.objects.read(current)
      if (obj.type !== 'tag') return { oid: current, type: obj.type }
      current = decodeTag(obj.content).object
    }
    throw new CorruptObjectError(`tag chain from ${oid} is too long`, { oid, reason: 'tag chain too long' })
  }

  /** Writes a tree from entries (sorted here) and returns its id. */
  async writeTree(entries: readonly TreeEntry[]): Promise<string> {
    const sorted = [...entries].sort(compareTreeEntries)
    const oid = await this.objects.write('tree', encodeTree(sorted))
    this.trees.set(oid, sorted)
    return oid
  }

  /** Writes a commit object and returns its id. */
  async writeCommit(commit: CommitData, options: { batch?: boolean } = {}): Promise<string> {
    const encoded = encodeCommit(commit)
    const oid = options.batch ? this.objects.enqueue('commit', encoded) : await this.objects.write('commit', encoded)
    this.commits.set(oid, commit)
    return oid
  }

  /** Writes an annotated tag object and returns its id. */
  async writeTag(tag: TagData): Promise<string> {
    return this.objects.write('tag', encodeTag(tag))
  }

  /** The entry at `path` (slash-separated) inside a tree, or `null`. */
  async entryAt(treeOid: string, path: string): Promise<TreeEntry | null> {
    let tree = treeOid
    const parts = path.split('/')
    for (let i = 0; i < parts.length; i++) {
      const entries = await this.readTree(tree)
      const entry = findEntry(entries, parts[i]!)
      if (!entry) return null
      if (i === parts.length - 1) return entry
      if (entry.mode !== '40000') return null
      tree = entry.oid
    }
    return null
  }

  /**
   * Applies file changes (`path → blob id`, or `null` to delete) to a tree and writes the new
   * trees bottom-up. Only the trees on the changed paths are rewritten; every other subtree is
   * reused by id, and the root's unchanged entries keep their cached encodings.
   */
  async updateTree(rootOid: string | null, changes: ReadonlyMap<string, string | null>, options: { batch?: boolean } = {}): Promise<string> {
    return (await this.applyChanges(rootOid, changes, options.batch === true)) ?? (await this.writeTree([]))
  }

  /** With `batch`, tree writes are only started (see `ObjectDatabase.enqueue`); the caller drains them. */
  private async applyChanges(treeOid: string | null, changes: ReadonlyMap<string, string | null>, batch: boolean): Promise<string | null> {
    const entries = treeOid ? [...(await this.readTree(treeOid))] : []
    const nested = new Map<string, Map<string, string | null>>()
    for (const [path, oid] of changes) {
      const slash = path.indexOf('/')
      if (slash < 0) {
        upsert(entries, path, oid === null ? null : { mode: '100644', name: path, oid })
      } else {
        const head = path.slice(0, slash)
        let group = nested.get(head)
        if (!group) nested.set(head, (group = new Map<string, string | null>()))
        group.set(path.slice(slash + 1), oid)
      }
    }
    for (const [name, group] of nested) {
      const current = findEntry(entries, name)
      const child = await this.applyChanges(current?.mode === '40000' ? current.oid : null, group, batch)
      if (current && current.mode !== '40000') upsert(entries, name, null)
      upsert(entries, name, child === null ? null : { mode: '40000', name, oid: child })
    }
    if (entries.length === 0) return null
    const encoded = encodeTree(entries)
    const oid = batch ? this.objects.enqueue('tree', encoded) : await this.objects.write('tree', encoded)
    this.trees.set(oid, entries)
    return oid
  }

  /** Every file in a tree, with its full path, in index order. */
  async flatten(treeOid: string, prefix = ''): Promise<{ path: string; oid: string; mode: string }[]> {
    const out: { path: string; oid: string; mode: string }[] = []
    for (const entry of await this.readTree(treeOid)) {
      const path = prefix + entry.name
      if (entry.mode === '40000') out.push(...(await this.flatten(entry.oid, `${path}/`)))
      else out.push({ path, oid: entry.oid, mode: entry.mode })
    }
    return out.sort((a, b) => compareIndexEntries(a as unknown as IndexEntry, b as unknown as IndexEntry))
  }

  // ---- working tree and index ----------------------------------------------------------

  /**
   * Refuses to write `path` when a directory on the way is a symbolic link: a link planted at
   * `.evogit` (or any parent) would otherwise carry our writes outside the store.
   */
  async assertNoLinkedParents(path: string): Promise<void> {
    const parts = path.split('/').slice(0, -1)
    let at = this.dir
    for (const part of parts) {
      at = `${at}/${part}`
      try {
        if ((await this.fs.lstat(at)).isSymbolicLink()) {
          throw new StoreIOError(`${at} is a symbolic link; evogit does not write through links, which could lead outside the store`, { path: at, errno: 'ELOOP' })
        }
      } catch (err) {
        if (err instanceof StoreIOError) throw err
        if (isNotFound(err)) return
        throw ioError(err, at, 'inspect')
      }
    }
  }

  /** Writes and fsyncs a working-tree file under a temp name; `commitFiles` renames it into place. */
  async prepareFile(path: string, data: Uint8Array, oid: string, options: { deferSync?: boolean } = {}): Promise<PreparedFile> {
    await this.assertNoLinkedParents(path)
    const target = `${this.dir}/${path}`
    const tmp = tempPathFor(target)
    // With deferSync the caller fsyncs the temp file (syncPrepared) in one parallel round with the objects.
    const sync = this.sync && options.deferSync !== true
    try {
      try {
        await writeAndSync(this.fs, tmp, data, sync, 'wx')
      } catch (err) {
        if (!isNotFound(err)) throw err
        await mkdirp(this.fs, dirname(target))
        await writeAndSync(this.fs, tmp, data, sync, 'wx')
      }
    } catch (err) {
      // A half-written temp file (full disk) must not be left in the user's working tree.
      await this.fs.unlink(tmp).catch(() => undefined)
      throw ioError(err, target, 'write')
    }
    return { path, oid, tmp }
  }

  /** fsyncs prepared files written with `deferSync` (a no-op when the repository is not durable). */
  async syncPrepared(files: readonly PreparedFile[]): Promise<void> {
    if (this.sync) await Promise.all(files.map((f) => fsyncPath(this.fs, f.tmp)))
  }

  /** Removes prepared files that will not be committed. */
  async discardFiles(files: readonly PreparedFile[]): Promise<void> {
    await Promise.all(files.map((f) => this.fs.unlink(f.tmp).catch(() => undefined)))
  }

  /**
   * Renames prepared files into place and records them in the index with fresh stat data, so
   * `git status` is clean without re-hashing anything. `removed` paths leave the index and the
   * working tree.
   */
  async commitFiles(files: readonly PreparedFile[], removed: readonly string[] = []): Promise<void> {
    const updates: IndexEntry[] = []
    for (const f of files) {
      const target = `${this.dir}/${f.path}`
      try {
        await this.fs.rename(f.tmp, target)
        updates.push(entryFromStat(f.path, f.oid, await this.fs.stat(target, { bigint: true })))
      } catch (err) {
        throw ioError(err, target, 'write')
      }
    }
    for (const path of removed) {
      await this.fs.unlink(`${this.dir}/${path}`).catch((err: unknown) => {
        if (!isNotFound(err)) throw ioError(err, `${this.dir}/${path}`, 'remove')
      })
    }
    await this.updateIndex(updates, removed)
  }

  /**
   * The index entries, reusing our cached copy while the file is the one we last wrote. An index
   * we cannot rewrite without losing the user's staged work is an {@link UnsupportedIndexError}.
   */
  async readIndex(): Promise<IndexEntry[]> {
    const path = `${this.gitdir}/index`
    let signature: string
    try {
      const st = await this.fs.stat(path, { bigint: true })
      signature = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`
    } catch (err) {
      if (isNotFound(err)) return []
      throw ioError(err, path, 'stat')
    }
    if (this.indexCache?.signature === signature) return this.indexCache.entries
    const raw = await readFileOrNull(this.fs, path)
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
    this.indexCache = { signature, entries: decoded.entries }
    return decoded.entries
  }

  /** Replaces the whole index, atomically, under git's own `index.lock`. */
  async writeIndex(entries: IndexEntry[]): Promise<void> {
    const sorted = entries.sort(compareIndexEntries)
    const path = `${this.gitdir}/index`
    const handle = await this.takeIndexLock(`${path}.lock`)
    // Not fsynced (perf, issue #14): at 5000 generations the index is ~840 KB, rewritten on every
    // save. It is derived data — git, and the store's repair, rebuild it from HEAD — and git
    // itself does not fsync it by default (core.fsync). The rename under index.lock still keeps
    // it whole against process crashes; only its durability across power loss is given up.
    await replaceUnderLock(this.fs, path, handle, () => encodeIndex(sorted), { sync: false, action: 'write' })
    try {
      const st = await this.fs.stat(path, { bigint: true })
      this.indexCache = { signature: `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`, entries: sorted }
    } catch (err) {
      throw ioError(err, path, 'stat')
    }
  }

  /**
   * Native git holds `index.lock` briefly for every `git status` (an editor may run one every
   * few seconds), so wait for it a while, as for ref locks, before giving up with a typed error.
   */
  private async takeIndexLock(lockPath: string) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fs.open(lockPath, 'wx', 0o644)
      } catch (err) {
        if (errnoOf(err) !== 'EEXIST' || attempt >= 60) {
          throw ioError(err, lockPath, 'lock the index (another git command may be running)')
        }
        await sleep(Math.min(20 + attempt, 50))
      }
    }
  }

  /** Updates some index entries and removes others; keeps anything else the user staged. */
  async updateIndex(updates: readonly IndexEntry[], removed: readonly string[] = []): Promise<void> {
    const byPath = new Map((await this.readIndex()).map((e) => [e.path, e]))
    for (const path of removed) byPath.delete(path)
    for (const e of updates) byPath.set(e.path, e)
    await this.writeIndex([...byPath.values()])
  }


  /** The blob id of a working-tree file, or `null` when it is missing (or not a regular file). */
  async hashWorkingFile(path: string): Promise<string | null> {
    const target = `${this.dir}/${path}`
    try {
      const st = await this.fs.lstat(target)
      if (!st.isFile()) return null
      return ObjectDatabase.hash('blob', await this.fs.readFile(target))
    } catch (err) {
      if (isNotFound(err)) return null
      throw ioError(err, target, 'read')
    }
  }

  /**
   * Files whose working-tree or staged state differs from `treeOid` (normally HEAD's tree):
   * modified, deleted, or staged changes. Also `untrackedIn`: paths of another tree that exist
   * untracked on disk with other content, which switching to that tree would overwrite.
   * Unchanged stat data lets us skip hashing, as git does.
   */
  async changedFiles(treeOid: string | null, untrackedIn: string | null = null): Promise<string[]> {
    const tracked = new Map((treeOid ? await this.flatten(treeOid) : []).map((f) => [f.path, f.oid]))
    const index = await this.readIndex()
    const indexed = new Map(index.map((e) => [e.path, e]))
    const dirty: string[] = []
    for (const [path, oid] of tracked) {
      const entry = indexed.get(path)
      if (entry && entry.oid !== oid) {
        dirty.push(path)
        continue
      }
      if (entry && (await this.statMatches(entry))) continue
      if ((await this.hashWorkingFile(path)) !== oid) dirty.push(path)
    }
    for (const e of index) if (!tracked.has(e.path)) dirty.push(e.path)
    if (untrackedIn) {
      for (const f of await this.flatten(untrackedIn)) {
        if (tracked.has(f.path) || indexed.has(f.path)) continue
        const onDisk = await this.hashWorkingFile(f.path)
        if (onDisk !== null && onDisk !== f.oid) dirty.push(f.path)
      }
    }
    return [...new Set(dirty)].sort()
  }

  private async statMatches(e: IndexEntry): Promise<boolean> {
    if (e.mtimeSec === 0 && e.size === 0 && e.ino === 0) return false
    try {
      const st = await this.fs.lstat(`${this.dir}/${e.path}`, { bigint: true })
      const fresh = entryFromStat(e.path, e.oid, st)
      return fresh.size === e.size && fresh.mtimeSec === e.mtimeSec && fresh.mtimeNsec === e.mtimeNsec && fresh.ino === e.ino && fresh.ctimeSec === e.ctimeSec
    } catch (err) {
      if (isNotFound(err)) return false
      throw ioError(err, `${this.dir}/${e.path}`, 'stat')
    }
  }

  /**
   * Paths among `paths` whose working-tree file holds content that is in neither `treeOid` nor
   * `incoming` (path → blob id about to be written): hand edits or untracked files that writing
   * there would destroy. The common case, a missing file, costs one lstat.
   */
  async unsavedEdits(treeOid: string | null, incoming: ReadonlyMap<string, () => string>): Promise<string[]> {
    const out: string[] = []
    const index = new Map((await this.readIndex()).map((e) => [e.path, e]))
    for (const [path, incomingOid] of incoming) {
      try {
        await this.fs.lstat(`${this.dir}/${path}`)
      } catch (err) {
        if (isNotFound(err)) continue
        throw ioError(err, `${this.dir}/${path}`, 'stat')
      }
      const committed = treeOid ? ((await this.entryAt(treeOid, path))?.oid ?? null) : null
      const entry = index.get(path)
      if (committed !== null && entry?.oid === committed && (await this.statMatches(entry))) continue
      const onDisk = await this.hashWorkingFile(path)
      if (onDisk === null || onDisk === committed || onDisk === incomingOid()) continue
      out.push(path)
    }
    return out
  }

  /** Where an interrupted multi-file working-tree update is recorded until it completes. */
  get journalPath(): string {
    return `${this.gitdir}/evogit/pending.json`
  }

  /**
   * Moves the working tree and index from one tree to another around `moveRef`, the commit
   * point (a branch CAS or a HEAD switch). A journal written before the move lets `recoverPending`
   * finish the job if the process dies half-way through the files, so a crash never leaves a
   * half-switched working tree that looks like user edits.
   */
  async switchTree(options: { op: string; from: string | null; to: string; moveRef: () => Promise<void> }): Promise<{ written: string[]; removed: string[] }> {
    const { from, to } = options
    await writeFileAtomicHere(this, this.journalPath, JSON.stringify({ op: options.op, from, to, pid: process.pid, startedAt: new Date().toISOString() }))
    try {
      await options.moveRef()
    } catch (err) {
      await this.fs.unlink(this.journalPath).catch(() => undefined)
      throw err
    }
    let result: { written: string[]; removed: string[] }
    try {
      result = await this.applyTreeToWorkingTree(from, to, () => true)
    } catch (err) {
      // The ref has moved; finish from the journal now (it keeps hand edits) rather than leave a
      // half-switched tree until the store is next opened. If that fails too, the journal stays.
      await this.recoverPending().catch(() => undefined)
      throw err
    }
    await this.fs.unlink(this.journalPath).catch(() => undefined)
    return result
  }

  /**
   * Finishes a working-tree switch that a crash interrupted, if its ref move happened; files a
   * user changed since (content matching neither side) are left alone and reported.
   */
  async recoverPending(): Promise<{ completed: boolean; kept: string[] } | null> {
    const raw = await readFileOrNull(this.fs, this.journalPath)
    if (raw === null) return null
    let journal: { from: string | null; to: string }
    try {
      journal = JSON.parse(raw.toString('utf8')) as { from: string | null; to: string }
    } catch {
      await this.fs.unlink(this.journalPath).catch(() => undefined)
      return { completed: false, kept: [] }
    }
    const head = await this.refs.head()
    const headTree = head.oid ? (await this.readCommit(head.oid)).tree : null
    if (headTree !== journal.to) {
      // The ref never moved: no file was touched yet, so there is nothing to finish.
      await this.fs.unlink(this.journalPath).catch(() => undefined)
      return { completed: false, kept: [] }
    }
    const kept: string[] = []
    const fromFiles = new Map((journal.from ? await this.flatten(journal.from) : []).map((f) => [f.path, f.oid]))
    const toFiles = new Map((await this.flatten(journal.to)).map((f) => [f.path, f.oid]))
    await this.applyTreeToWorkingTree(journal.from, journal.to, async (path) => {
      const onDisk = await this.hashWorkingFile(path)
      const ok = onDisk === null || onDisk === fromFiles.get(path) || onDisk === toFiles.get(path)
      if (!ok) kept.push(path)
      return ok
    })
    await this.fs.unlink(this.journalPath).catch(() => undefined)
    return { completed: true, kept }
  }

  private async applyTreeToWorkingTree(
    from: string | null,
    to: string,
    mayTouch: (path: string) => boolean | Promise<boolean>,
  ): Promise<{ written: string[]; removed: string[] }> {
    const fromFiles = new Map((from ? await this.flatten(from) : []).map((f) => [f.path, f.oid]))
    const toFiles = await this.flatten(to)
    const written: string[] = []
    const removed: string[] = []
    const current = new Map((await this.readIndex()).map((e) => [e.path, e]))
    const next: IndexEntry[] = []
    for (const f of toFiles) {
      const existing = current.get(f.path)
      if (fromFiles.get(f.path) === f.oid && existing?.oid === f.oid && ((await this.statMatches(existing)) || (await this.hashWorkingFile(f.path)) === f.oid)) {
        next.push(existing)
        continue
      }
      if (!(await mayTouch(f.path))) {
        next.push(entryWithoutStat(f.path, f.oid))
        continue
      }
      const content = await this.objects.readTyped(f.oid, 'blob')
      const prepared = await this.prepareFile(f.path, content, f.oid)
      const target = `${this.dir}/${f.path}`
      try {
        await this.fs.rename(prepared.tmp, target)
        next.push(entryFromStat(f.path, f.oid, await this.fs.stat(target, { bigint: true })))
      } catch (err) {
        await this.discardFiles([prepared])
        throw ioError(err, target, 'write')
      }
      written.push(f.path)
    }
    const keep = new Set(toFiles.map((f) => f.path))
    for (const path of fromFiles.keys()) {
      if (keep.has(path) || !(await mayTouch(path))) continue
      await this.assertNoLinkedParents(path)
      await this.fs.unlink(`${this.dir}/${path}`).catch((err: unknown) => {
        if (!isNotFound(err)) throw ioError(err, `${this.dir}/${path}`, 'remove')
      })
      removed.push(path)
      await this.removeEmptyParents(path)
    }
    await this.writeIndex(next)
    return { written, removed }
  }

  private async removeEmptyParents(path: string): Promise<void> {
    let dir = dirname(path)
    while (dir !== '.' && dir !== '') {
      try {
        await this.fs.rmdir(`${this.dir}/${dir}`)
      } catch {
        return // not empty, or already gone
      }
      dir = dirname(dir)
    }
  }

}

/**
 * The fs handed to isomorphic-git: the same, except that `writeFile` is atomic. isomorphic-git
 * writes config, fetched packs and remote-tracking refs in place; through this they can never
 * be torn by a crash.
 */
function withAtomicWrites(fs: StoreFs, sync: boolean): StoreFs {
  const writeFile = (path: unknown, data: unknown) =>
    writeFileAtomic(fs, String(path), typeof data === 'string' ? data : (data as Uint8Array), { mkdir: true, sync })
  return { ...fs, writeFile: writeFile as StoreFs['writeFile'] }
}

async function writeFileAtomicHere(repo: Repository, path: string, text: string): Promise<void> {
  await writeFileAtomic(repo.fs, path, text, { mkdir: true, sync: repo.sync })
}

function findIndex(entries: readonly TreeEntry[], name: string): number {
  // A directory sorts as "name/", a file as "name": look for both keys.
  for (const probe of [{ mode: '100644', name, oid: '' }, { mode: '40000', name, oid: '' }] as const) {
    let lo = 0
    let hi = entries.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const cmp = compareTreeEntries(entries[mid]!, probe)
      if (cmp === 0) return mid
      if (cmp < 0) lo = mid + 1
      else hi = mid - 1
    }
  }
  return -1
}

function findEntry(entries: readonly TreeEntry[], name: string): TreeEntry | undefined {
  const i = findIndex(entries, name)
  return i < 0 ? undefined : entries[i]
}

/** Replaces, inserts (keeping git order) or, with `null`, removes the entry called `name`. */
function upsert(entries: TreeEntry[], name: string, entry: TreeEntry | null): void {
  const at = findIndex(entries, name)
  if (at >= 0) entries.splice(at, 1)
  if (entry === null) return
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (compareTreeEntries(entries[mid]!, entry) < 0) lo = mid + 1
    else hi = mid
  }
  entries.splice(lo, 0, entry)
}
