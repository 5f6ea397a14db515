import { dirname } from 'node:path'
import { StoreIOError } from '../errors/index.js'
import { fsyncPath, mkdirp, tempPathFor, writeAndSync } from '../io/atomic.js'
import { ioError, isNotFound } from '../io/fs.js'
import type { RepoCore } from './core.js'
import { entryFromStat, type IndexEntry } from './index-file.js'
import type { InPlaceFile } from './transaction.js'
import type { IndexManager } from './index-manager.js'
import { ObjectDatabase } from './objects.js'
import type { TreeStore } from './trees.js'

/** A file staged for the working tree: already written and fsynced to a temp name, renamed by `commitFiles`. */
export interface PreparedFile {
  path: string
  oid: string
  tmp: string
}

/**
 * The working tree's files: written through temp names and renamed into place, never through a
 * symbolic link, and compared with a tree and the index (hand edits, untracked files).
 */
export class WorkingTree {
  constructor(
    private readonly core: RepoCore,
    private readonly trees: TreeStore,
    private readonly index: IndexManager,
  ) {}

  /**
   * Refuses to write `path` when a directory on the way is a symbolic link: a link planted at
   * `.evogit` (or any parent) would otherwise carry our writes outside the store.
   */
  async assertNoLinkedParents(path: string): Promise<void> {
    const parts = path.split('/').slice(0, -1)
    let at = this.core.dir
    for (const part of parts) {
      at = `${at}/${part}`
      try {
        if ((await this.core.fs.lstat(at)).isSymbolicLink()) {
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
    const fs = this.core.fs
    const target = `${this.core.dir}/${path}`
    const tmp = tempPathFor(target)
    // With deferSync the caller fsyncs the temp file (syncPrepared) in one parallel round with the objects.
    const sync = this.core.sync && options.deferSync !== true
    try {
      try {
        await writeAndSync(fs, tmp, data, sync, 'wx')
      } catch (err) {
        if (!isNotFound(err)) throw err
        await mkdirp(fs, dirname(target))
        await writeAndSync(fs, tmp, data, sync, 'wx')
      }
    } catch (err) {
      // A half-written temp file (full disk) must not be left in the user's working tree.
      await fs.unlink(tmp).catch(() => undefined)
      throw ioError(err, target, 'write')
    }
    return { path, oid, tmp }
  }

  /** fsyncs prepared files written with `deferSync` (a no-op when the repository is not durable). */
  async syncPrepared(files: readonly PreparedFile[]): Promise<void> {
    if (this.core.sync) await Promise.all(files.map((f) => fsyncPath(this.core.fs, f.tmp)))
  }

  /** Removes prepared files that will not be committed. */
  async discardFiles(files: readonly PreparedFile[]): Promise<void> {
    await Promise.all(files.map((f) => this.core.fs.unlink(f.tmp).catch(() => undefined)))
  }

  /**
   * Renames prepared files into place and records them in the index with fresh stat data, so
   * `git status` is clean without re-hashing anything. `removed` paths leave the index and the
   * working tree.
   */
  async commitFiles(files: readonly PreparedFile[], removed: readonly string[] = [], asIs: readonly InPlaceFile[] = []): Promise<void> {
    const fs = this.core.fs
    // Files another program wrote are indexed with the stat taken before they were read.
    const updates: IndexEntry[] = asIs.map((f) => entryFromStat(f.path, f.oid, f.stat))
    for (const f of files) {
      const target = `${this.core.dir}/${f.path}`
      try {
        await fs.rename(f.tmp, target)
        updates.push(entryFromStat(f.path, f.oid, await fs.stat(target, { bigint: true })))
      } catch (err) {
        throw ioError(err, target, 'write')
      }
    }
    for (const path of removed) {
      await fs.unlink(`${this.core.dir}/${path}`).catch((err: unknown) => {
        if (!isNotFound(err)) throw ioError(err, `${this.core.dir}/${path}`, 'remove')
      })
    }
    await this.index.update(updates, removed)
  }

  /** The blob id of a working-tree file, or `null` when it is missing (or not a regular file). */
  async hashWorkingFile(path: string): Promise<string | null> {
    const target = `${this.core.dir}/${path}`
    try {
      const st = await this.core.fs.lstat(target)
      if (!st.isFile()) return null
      return ObjectDatabase.hash('blob', await this.core.fs.readFile(target))
    } catch (err) {
      if (isNotFound(err)) return null
      throw ioError(err, target, 'read')
    }
  }

  /** True when something that is not a regular file (a directory, a link) sits at `path`. */
  async occupied(path: string): Promise<boolean> {
    try {
      return !(await this.core.fs.lstat(`${this.core.dir}/${path}`)).isFile()
    } catch (err) {
      if (isNotFound(err)) return false
      throw ioError(err, `${this.core.dir}/${path}`, 'stat')
    }
  }

  /**
   * Files whose working-tree or staged state differs from `treeOid` (normally HEAD's tree):
   * modified, deleted, or staged changes. Also `untrackedIn`: paths of another tree that exist
   * untracked on disk with other content, which switching to that tree would overwrite.
   * Unchanged stat data lets us skip hashing, as git does.
   */
  async changedFiles(treeOid: string | null, untrackedIn: string | null = null): Promise<string[]> {
    const tracked = new Map((treeOid ? await this.trees.flatten(treeOid) : []).map((f) => [f.path, f.oid]))
    const index = await this.index.read()
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
      for (const f of await this.trees.flatten(untrackedIn)) {
        if (tracked.has(f.path) || indexed.has(f.path)) continue
        const onDisk = await this.hashWorkingFile(f.path)
        if (onDisk !== null && onDisk !== f.oid) dirty.push(f.path)
      }
    }
    return [...new Set(dirty)].sort()
  }

  /** True when the file's stat data is what the index recorded (so its content is the entry's). */
  async statMatches(e: IndexEntry): Promise<boolean> {
    if (e.mtimeSec === 0 && e.size === 0 && e.ino === 0) return false
    try {
      const st = await this.core.fs.lstat(`${this.core.dir}/${e.path}`, { bigint: true })
      const fresh = entryFromStat(e.path, e.oid, st)
      return fresh.size === e.size && fresh.mtimeSec === e.mtimeSec && fresh.mtimeNsec === e.mtimeNsec && fresh.ino === e.ino && fresh.ctimeSec === e.ctimeSec
    } catch (err) {
      if (isNotFound(err)) return false
      throw ioError(err, `${this.core.dir}/${e.path}`, 'stat')
    }
  }

  /**
   * Paths among `paths` whose working-tree file holds content that is in neither `treeOid` nor
   * `incoming` (path → blob id about to be written): hand edits or untracked files that writing
   * there would destroy. The common case, a missing file, costs one lstat.
   */
  async unsavedEdits(treeOid: string | null, incoming: ReadonlyMap<string, () => string>): Promise<string[]> {
    const out: string[] = []
    // Built only once a file is there: the index holds two entries per generation, and the
    // common case (a new generation's files do not exist yet) needs none of them.
    let index: Map<string, IndexEntry> | null = null
    for (const [path, incomingOid] of incoming) {
      try {
        await this.core.fs.lstat(`${this.core.dir}/${path}`)
      } catch (err) {
        if (isNotFound(err)) continue
        throw ioError(err, `${this.core.dir}/${path}`, 'stat')
      }
      const committed = treeOid ? ((await this.trees.entryAt(treeOid, path))?.oid ?? null) : null
      index ??= new Map((await this.index.read()).map((e) => [e.path, e]))
      const entry = index.get(path)
      if (committed !== null && entry?.oid === committed && (await this.statMatches(entry))) continue
      const onDisk = await this.hashWorkingFile(path)
      if (onDisk === null || onDisk === committed || onDisk === incomingOid()) continue
      out.push(path)
    }
    return out
  }
}
