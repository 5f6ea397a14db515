import type { RepoCore } from './core.js'
import type { Signature } from './format.js'
import { ObjectDatabase } from './objects.js'
import type { TreeStore } from './trees.js'
import type { PreparedFile, WorkingTree } from './worktree.js'

/** The parts of a repository a transaction works with. */
export interface TransactionParts {
  core: RepoCore
  trees: TreeStore
  worktree: WorkingTree
}

/** A file a commit adds or replaces: its slash-separated path in the tree and its bytes. */
export interface CommitFile {
  path: string
  data: Uint8Array
  /** The blob id, when the caller already hashed `data` (it is trusted, not re-hashed). */
  oid?: string
}

/**
 * Files whose blobs are hashed, deflated and being written (fsync deferred), from
 * {@link stageFiles}. Unreferenced objects are harmless, so this may run before any lock is
 * taken; {@link commitTransaction} waits for the writes and makes them durable before its ref moves.
 */
export interface StagedFiles {
  readonly staged: true
  readonly files: readonly { path: string; data: Uint8Array; oid: string }[]
  readonly written: Promise<void>
}

/** The arguments of {@link commitTransaction}. */
export interface CommitRequest {
  /** The full ref to move (`refs/heads/main`). */
  ref: string
  /** The commit `ref` must still hold (`null`: it must not exist yet); the compare-and-swap. */
  expected: string | null
  /** The tree the files are applied to (normally `expected`'s tree), or `null` for an empty one. */
  parentTree: string | null
  files: readonly CommitFile[] | StagedFiles
  message: string
  author: Signature
  /** Defaults to `author`. */
  committer?: Signature
  /** Defaults to `[expected]`, or none when `expected` is `null`. */
  parents?: readonly string[]
  /** True when `ref` is checked out: the working-tree copies and the index follow the commit. */
  worktree: boolean
  /** What the commit is, for warnings ("generation 3"); defaults to "the commit". */
  label?: string
}

/** What {@link commitTransaction} did. */
export interface CommitOutcome {
  commit: string
  tree: string
  /** Path → blob id of every file committed. */
  blobs: ReadonlyMap<string, string>
  /**
   * Problems after the commit point that did not undo the commit (the working-tree copy could not
   * be renamed into place; repair finishes it). Empty normally.
   */
  warnings: string[]
}

/** Hashes `files` and starts writing their blobs; see {@link StagedFiles}. */
export function stageFiles(core: RepoCore, files: readonly CommitFile[]): StagedFiles {
  const hashed = files.map((f) => ({ path: f.path, data: f.data, oid: f.oid ?? ObjectDatabase.hash('blob', f.data) }))
  const written = Promise.all(hashed.map((f) => core.objects.write('blob', f.data, { deferSync: true, oid: f.oid }))).then(() => undefined)
  // A caller that abandons the stage must not see an unhandled rejection; commit re-awaits it.
  written.catch(() => undefined)
  return { staged: true, files: hashed, written }
}

/**
 * The one commit path of the store (save, overwrite, saves to another branch, import, adopt).
 * Its ordering rule is what makes a crash at any instant safe:
 * 1. blobs and the prepared working-tree copies (temp names) are written side by side;
 * 2. trees and the commit are built in memory and written in one parallel batch;
 * 3. all of it is made durable in one parallel fsync round;
 * 4. the ref moves by compare-and-swap: the commit point;
 * 5. only then are the working-tree copies renamed into place and the index updated.
 * A crash before 4 leaves the ref as it was (unreferenced objects are harmless, our temp files are
 * removed by repair); a crash after it leaves a working tree that lags the ref, which
 * `repairWorkingTree` on open finishes from the same temp files.
 */
export async function commitTransaction(parts: TransactionParts, request: CommitRequest): Promise<CommitOutcome> {
  const { core, trees, worktree: wt } = parts
  const staged = 'staged' in request.files ? request.files : stageFiles(core, request.files)
  const blobs = new Map(staged.files.map((f) => [f.path, f.oid]))
  // Only a checked-out ref has working-tree copies; a commit to another branch is objects and refs only.
  const preparing = request.worktree ? staged.files.map((f) => wt.prepareFile(f.path, f.data, f.oid, { deferSync: true })) : []
  const [written, ...preparedResults] = await Promise.allSettled([staged.written, ...preparing])
  // Settle each one on its own, so a failure of one never strands the other's temp file.
  const prepared = preparedResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failure = [written, ...preparedResults].find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failure) {
    await wt.discardFiles(prepared)
    throw failure.reason
  }
  let moved = false
  try {
    const batch = { batch: true }
    const tree = await trees.updateTree(request.parentTree, blobs, batch)
    const commit = await trees.writeCommit(
      {
        tree,
        parents: [...(request.parents ?? (request.expected ? [request.expected] : []))],
        author: request.author,
        committer: request.committer ?? request.author,
        message: request.message,
      },
      batch,
    )
    await core.objects.drain()
    // Everything the new ref will point at, and the copies renamed after it, is durable first.
    await Promise.all([core.objects.flush(), wt.syncPrepared(prepared)])
    await core.refs.update(request.ref, commit, request.expected, { sync: core.sync })
    moved = true
    return { commit, tree, blobs, warnings: await finishWorkingTree(wt, prepared, request) }
  } finally {
    if (!moved) await wt.discardFiles(prepared)
  }
}

async function finishWorkingTree(wt: WorkingTree, prepared: readonly PreparedFile[], request: CommitRequest): Promise<string[]> {
  if (!request.worktree) return []
  try {
    await wt.commitFiles(prepared)
    return []
  } catch (err) {
    // The ref points at the commit: it succeeded, and failing now would make a retry meet
    // E_GENERATION_EXISTS. The temp files hold exactly the new content, and repair (on open, or
    // `verify --repair`) puts them in place and brings the index along.
    return [`${request.label ?? 'the commit'} is committed, but the working tree or index was not updated (${(err as Error).message}); run \`evogit verify --repair\``]
  }
}

/** The arguments of {@link tagTransaction}. */
export interface TagRequest {
  /** The full tag ref (`refs/tags/x`); it must not exist yet. */
  ref: string
  name: string
  object: string
  type: 'commit' | 'tree' | 'blob' | 'tag'
  tagger: Signature
  message: string
}

/** Writes an annotated tag object durably, then creates its ref by compare-and-swap (the commit point). */
export async function tagTransaction(parts: TransactionParts, request: TagRequest): Promise<string> {
  const oid = await parts.trees.writeTag({ object: request.object, type: request.type, tag: request.name, tagger: request.tagger, message: request.message })
  await parts.core.refs.update(request.ref, oid, null)
  return oid
}
