import { CorruptObjectError } from '../errors/index.js'
import type { TreeEntry } from './format.js'
import type { ObjectDatabase } from './objects.js'

/** git's id of the empty tree, which a repository need not store. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

/**
 * The entry at `path` (`/`-separated) under the tree `treeOid`, found by scanning each tree's
 * raw bytes for the one name wanted instead of decoding every entry, and caching nothing.
 *
 * For reads that want one file from many different root trees: compare reads one sidecar per
 * row, each under its own root tree of one entry per generation, and decoding 20 trees of 1000
 * entries (each name checked against git's unsafe-name rules, each id turned into hex) only to
 * take one of them was a twelfth of its time. The other entries are never materialised, so the
 * name check that guards checkouts has nothing to check; the path asked for is the caller's own.
 *
 * @returns the entry, or `null` when a part of the path is missing or not a directory.
 * @throws CorruptObjectError when a tree on the path is missing, not a tree, or malformed.
 */
export async function rawEntryAt(objects: ObjectDatabase, treeOid: string, path: string): Promise<TreeEntry | null> {
  let tree = treeOid
  const parts = path.split('/')
  for (let i = 0; i < parts.length; i++) {
    if (tree === EMPTY_TREE) return null
    const content = await objects.readTyped(tree, 'tree')
    let entry: TreeEntry | null
    try {
      entry = findRawTreeEntry(content, parts[i]!)
    } catch (err) {
      throw new CorruptObjectError(`tree ${tree} is malformed: ${(err as Error).message}`, { oid: tree, reason: (err as Error).message })
    }
    if (!entry) return null
    if (i === parts.length - 1) return entry
    if (entry.mode !== '40000') return null
    tree = entry.oid
  }
  return null
}

/**
 * The entry called `name` in a tree object's content, or `null`; the same entry `decodeTree`
 * would give for that name, read without building any other entry's strings.
 *
 * @throws Error when the tree is truncated before the entry is found.
 */
export function findRawTreeEntry(content: Buffer, name: string): TreeEntry | null {
  const key = Buffer.from(name, 'utf8')
  let i = 0
  while (i < content.length) {
    const space = content.indexOf(0x20, i)
    const nul = space < 0 ? -1 : content.indexOf(0, space)
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new Error('truncated tree entry')
    if (nul - space - 1 === key.length && content.compare(key, 0, key.length, space + 1, nul) === 0) {
      const mode = content.toString('latin1', i, space)
      return { mode: (mode === '040000' ? '40000' : mode) as TreeEntry['mode'], name, oid: content.toString('hex', nul + 1, nul + 21) }
    }
    i = nul + 21
  }
  return null
}
