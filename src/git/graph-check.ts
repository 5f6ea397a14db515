import { CorruptObjectError, EvogitError } from '../errors/index.js'
import type { RepoCore } from './core.js'
import { treeShapeProblems } from './tree-check.js'
import type { TreeStore } from './trees.js'

/** A missing or unreadable object found while walking a ref's history, or a tree shape evogit refuses. */
export interface ObjectProblem {
  /** `E_CORRUPT_OBJECT` (missing or damaged) or `E_UNSAFE_TREE` (a shape no checkout can write). */
  code: string
  /** The object that is missing or damaged, or the tree that holds the bad entry. */
  oid: string
  /** Where it was met: `commit <id>`, or the path inside the tip's tree. */
  where: string
  message: string
}

/** Objects already checked, shared between the refs of one verify so common history is walked once. */
export interface GraphWalk {
  commits: Set<string>
  trees: Set<string>
  blobs: Set<string>
}

/** A fresh {@link GraphWalk}. */
export function newGraphWalk(): GraphWalk {
  return { commits: new Set(), trees: new Set(), blobs: new Set() }
}

/**
 * Walks the whole commit graph from `tip` (every parent, not only the first), every tree of every
 * commit and the existence of every blob, and reports each object that is missing or damaged;
 * also the tree shapes at the tip that no checkout would write. Never throws for a broken object:
 * a history is reported, not refused. Iterative, so a long history cannot overflow the stack.
 */
export async function checkGraph(core: RepoCore, trees: TreeStore, tip: string, walk: GraphWalk = newGraphWalk()): Promise<ObjectProblem[]> {
  const problems: ObjectProblem[] = []
  const note = (err: unknown, oid: string, where: string): void => {
    if (!(err instanceof EvogitError)) throw err
    problems.push({ code: err.code, oid, where, message: err.message })
  }
  try {
    const tipCommit = await trees.readCommit(tip)
    for (const p of await treeShapeProblems(trees, tipCommit.tree)) {
      problems.push({ code: 'E_UNSAFE_TREE', oid: tipCommit.tree, where: p.path, message: `${p.path} (mode ${p.mode}): ${p.reason}` })
    }
  } catch (err) {
    if (!(err instanceof CorruptObjectError)) note(err, tip, `commit ${tip}`)
    // A missing tip or tree is reported by the walk below.
  }
  const queue = [tip]
  while (queue.length > 0) {
    const oid = queue.pop()!
    if (walk.commits.has(oid)) continue
    walk.commits.add(oid)
    let commit
    try {
      commit = await trees.readCommit(oid)
    } catch (err) {
      note(err, oid, `commit ${oid}`)
      continue
    }
    queue.push(...commit.parents)
    await checkTree(core, trees, commit.tree, `commit ${oid}`, walk, note)
  }
  return problems
}

async function checkTree(
  core: RepoCore,
  trees: TreeStore,
  root: string,
  where: string,
  walk: GraphWalk,
  note: (err: unknown, oid: string, where: string) => void,
): Promise<void> {
  const queue = [root]
  while (queue.length > 0) {
    const oid = queue.pop()!
    if (walk.trees.has(oid)) continue
    walk.trees.add(oid)
    let entries
    try {
      entries = await trees.readTree(oid)
    } catch (err) {
      note(err, oid, `tree of ${where}`)
      continue
    }
    for (const e of entries) {
      if (e.mode === '40000') queue.push(e.oid)
      else if (e.mode !== '160000' && !walk.blobs.has(e.oid)) {
        walk.blobs.add(e.oid)
        if (!(await core.objects.has(e.oid))) {
          note(new CorruptObjectError(`blob ${e.oid} (${e.name} in ${where}) is missing from the repository`, { oid: e.oid, reason: 'missing' }), e.oid, `${e.name} in ${where}`)
        }
      }
    }
  }
}
