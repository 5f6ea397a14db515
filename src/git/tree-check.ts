import { UnsafeTreeError } from '../errors/index.js'
import { parseGenerationFileName } from '../model/generation-id.js'
import type { RepoCore } from './core.js'
import type { TreeEntry } from './format.js'
import type { TreeStore } from './trees.js'

/** The only entry modes evogit writes into a working tree: files and directories. */
const WRITABLE = new Set(['100644', '100755', '40000'])

/** One problem with a tree's shape, as `verify` reports it. */
export interface TreeShapeProblem {
  path: string
  mode: string
  reason: string
}

/**
 * Every entry of `treeOid` that a working-tree switch could not write safely: symbolic links
 * (120000) and submodules (160000) anywhere, `gen_<n>.json` at the top that is not a file,
 * `.evogit` that is not a directory, and duplicate names in one tree. Pure reads; no I/O on the
 * working tree.
 */
export async function treeShapeProblems(trees: TreeStore, treeOid: string): Promise<TreeShapeProblem[]> {
  const problems: TreeShapeProblem[] = []
  const walk = async (oid: string, prefix: string): Promise<void> => {
    const entries = await trees.readTree(oid)
    const names = new Set<string>()
    for (const entry of entries) {
      const path = prefix + entry.name
      if (names.has(entry.name)) problems.push({ path, mode: entry.mode, reason: 'the tree has two entries with this name' })
      names.add(entry.name)
      const problem = shapeProblem(entry, prefix === '')
      if (problem) problems.push({ path, mode: entry.mode, reason: problem })
      else if (entry.mode === '40000') await walk(entry.oid, `${path}/`)
    }
  }
  await walk(treeOid, '')
  return problems
}

function shapeProblem(entry: TreeEntry, top: boolean): string | null {
  if (entry.mode === '120000') return 'it is a symbolic link, which evogit does not write into a working tree'
  if (entry.mode === '160000') return 'it is a submodule, which evogit does not support'
  if (!WRITABLE.has(entry.mode)) return `mode ${entry.mode} is not a file or directory`
  if (top && entry.name === '.evogit' && entry.mode !== '40000') return '.evogit must be a directory'
  if (top && parseGenerationFileName(entry.name) !== null && entry.mode === '40000') return 'a generation file must be a file, not a directory'
  return null
}

/**
 * Refuses, before any ref moves, a tree a switch could not write whole: a bad shape (see
 * {@link treeShapeProblems}) or a blob the switch needs that is missing. `from` is the tree the
 * working tree shows now; its blobs are not re-checked.
 */
export async function assertCheckoutable(core: RepoCore, trees: TreeStore, from: string | null, to: string): Promise<void> {
  const [first] = await treeShapeProblems(trees, to)
  if (first) throw new UnsafeTreeError(`cannot check out tree ${to}: ${first.path}: ${first.reason}; nothing was changed`, { ...first })
  const present = new Set((from ? await trees.flatten(from) : []).map((f) => f.oid))
  for (const f of await trees.flatten(to)) {
    if (present.has(f.oid)) continue
    if (!(await core.objects.has(f.oid))) {
      throw new UnsafeTreeError(`cannot check out tree ${to}: ${f.path}: its blob ${f.oid} is missing from the repository; nothing was changed`, {
        path: f.path,
        mode: f.mode,
        reason: 'missing blob',
      })
    }
    present.add(f.oid)
  }
}
