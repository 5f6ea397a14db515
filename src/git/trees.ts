import { CorruptObjectError } from '../errors/index.js'
import type { RepoCore } from './core.js'
import {
  compareTreeEntries,
  decodeCommit,
  decodeCommitLink,
  decodeTag,
  decodeTree,
  encodeCommit,
  encodeTag,
  encodeTree,
  type CommitData,
  type CommitLink,
  type TagData,
  type TreeEntry,
} from './format.js'
import { compareIndexEntries, type IndexEntry } from './index-file.js'
import { partitionPoint, sortedIndexOf } from '../model/sorted.js'
import { Lru } from './lru.js'
import { rawEntryAt } from './tree-lookup.js'
import { encodeTreeEdit } from './tree-splice.js'

/** The id of the empty tree, which every git knows without storing it. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

/** A file of a flattened tree. */
export interface TreeFile {
  path: string
  oid: string
  mode: string
}

/**
 * Typed reads and writes of commits, trees and tags, with the one LRU of parsed trees and
 * commits, and tree surgery (applying file changes, flattening).
 */
export class TreeStore {
  /**
   * Bounded by entries, not trees: a root tree holds one entry per generation (~250 bytes each
   * parsed), so 512 trees of a 1000-generation run held 80 MB while the report read its sidecars.
   */
  private readonly trees = new Lru<readonly TreeEntry[]>(1 << 16, (entries) => Math.max(1, entries.length))
  private readonly commits = new Lru<CommitData>(8192)

  constructor(private readonly core: RepoCore) {}

  /** A parsed commit (cached). */
  async readCommit(oid: string): Promise<CommitData> {
    const hit = this.commits.get(oid)
    if (hit) return hit
    const commit = decodeCommit(await this.core.objects.readTyped(oid, 'commit'))
    this.commits.set(oid, commit)
    return commit
  }

  /**
   * A commit's parents and message. Not cached: the walks that use it read each commit once, and
   * ten thousand of them would only push out the commits and trees other reads come back to.
   */
  async readCommitLink(oid: string): Promise<CommitLink> {
    return this.commits.get(oid) ?? decodeCommitLink(await this.core.objects.readTyped(oid, 'commit'))
  }

  /** A parsed tree (cached). */
  async readTree(oid: string): Promise<readonly TreeEntry[]> {
    if (oid === EMPTY_TREE) return []
    const hit = this.trees.get(oid)
    if (hit) return hit
    let entries: TreeEntry[]
    try {
      entries = decodeTree(await this.core.objects.readTyped(oid, 'tree'))
    } catch (err) {
      if (err instanceof CorruptObjectError) throw err
      throw new CorruptObjectError(`tree ${oid} is malformed: ${(err as Error).message}`, { oid, reason: (err as Error).message })
    }
    this.trees.set(oid, entries)
    return entries
  }

  /** A parsed annotated tag. */
  async readTag(oid: string): Promise<TagData> {
    return decodeTag(await this.core.objects.readTyped(oid, 'tag'))
  }

  /** Follows annotated tags until a non-tag object; returns its id and type. */
  async peel(oid: string): Promise<{ oid: string; type: string }> {
    let current = oid
    for (let depth = 0; depth < 16; depth++) {
      const obj = await this.core.objects.read(current)
      if (obj.type !== 'tag') return { oid: current, type: obj.type }
      current = decodeTag(obj.content).object
    }
    throw new CorruptObjectError(`tag chain from ${oid} is too long`, { oid, reason: 'tag chain too long' })
  }

  /** Writes a tree from entries (sorted here) and returns its id. */
  async writeTree(entries: readonly TreeEntry[]): Promise<string> {
    const sorted = [...entries].sort(compareTreeEntries)
    const oid = await this.core.objects.write('tree', encodeTree(sorted))
    this.trees.set(oid, sorted)
    return oid
  }

  /** Writes a commit object and returns its id. */
  async writeCommit(commit: CommitData, options: { batch?: boolean } = {}): Promise<string> {
    const encoded = encodeCommit(commit)
    const oid = options.batch ? this.core.objects.enqueue('commit', encoded) : await this.core.objects.write('commit', encoded)
    this.commits.set(oid, commit)
    return oid
  }

  /** Writes an annotated tag object and returns its id. */
  async writeTag(tag: TagData): Promise<string> {
    return this.core.objects.write('tag', encodeTag(tag))
  }

  /**
   * The entry at `path`, for a reader of one file: through the parsed-tree cache when `treeOid`
   * is in it (a save's parent, written by the previous save), otherwise found by name in the raw
   * tree bytes with nothing cached (see {@link rawEntryAt}). A root tree holds one entry per
   * generation, and decoding and caching every root tree a one-file reader passed (the report's
   * samples, compare's rows) was 23 MB of garbage for a 10 x 1000 report.
   */
  fileEntryAt(treeOid: string, path: string): Promise<TreeEntry | null> {
    return this.trees.has(treeOid) ? this.entryAt(treeOid, path) : rawEntryAt(this.core.objects, treeOid, path)
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
    const base = treeOid ? await this.readTree(treeOid) : null
    const entries = base ? [...base] : []
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
    const encoded = encodeTreeEdit(entries, base)
    const oid = batch ? this.core.objects.enqueue('tree', encoded) : await this.core.objects.write('tree', encoded)
    this.trees.set(oid, entries)
    return oid
  }

  /** Every file in a tree, with its full path, in index order. */
  async flatten(treeOid: string, prefix = ''): Promise<TreeFile[]> {
    const out: TreeFile[] = []
    for (const entry of await this.readTree(treeOid)) {
      const path = prefix + entry.name
      if (entry.mode === '40000') out.push(...(await this.flatten(entry.oid, `${path}/`)))
      else out.push({ path, oid: entry.oid, mode: entry.mode })
    }
    return out.sort((a, b) => compareIndexEntries(a as unknown as IndexEntry, b as unknown as IndexEntry))
  }
}

function findIndex(entries: readonly TreeEntry[], name: string): number {
  // A directory sorts as "name/", a file as "name": look for both keys.
  for (const probe of [{ mode: '100644', name, oid: '' }, { mode: '40000', name, oid: '' }] as const) {
    const at = sortedIndexOf(entries.length, (i) => compareTreeEntries(entries[i]!, probe))
    if (at >= 0) return at
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
  entries.splice(partitionPoint(entries.length, (i) => compareTreeEntries(entries[i]!, entry) < 0), 0, entry)
}
