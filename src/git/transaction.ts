import type { BigIntStats } from 'node:fs'
import type { BlobDeflater } from './blob-deflater.js'
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
  /** A deflater that saw `data` being produced and has started compressing it (see blob-deflater.ts). */
  deflater?: BlobDeflater
}

/**
 * Files whose blobs are hashed and being deflated in memory, from {@link stageFiles}. Nothing is
 * on disk yet, so this may run before any lock is taken, and a crash leaves nothing behind;
 * `write` (called by {@link commitTransaction} if the caller has not called it as soon as it
 * holds the lock) writes and fsyncs the blobs.
 */
export interface StagedFiles {
  readonly staged: true
  readonly files: readonly { path: string; data: Uint8Array; oid: string }[]
  /** Starts writing the blobs (once; later calls return the same promise). */
  write(): Promise<void>
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
  /**
   * More files, staged before the lock was taken (see {@link stageFiles}); committed with
   * `files`. A save stages its population blob first, so that the blob's hashing, deflate and
   * write overlap the lock and the reads that need it.
   */
  staged?: StagedFiles
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
  /**
   * Files among `files` that already sit in the working tree holding exactly their blob (another
   * program wrote them): committed and indexed as they are, never rewritten. Rewriting would be
   * harmless for the bytes read, but the original engine may be appending to one of them
   * (`generation_stats.jsonl`) at that very moment, and a rename over it would drop its line.
   */
  inPlace?: readonly InPlaceFile[]
}

/** A working-tree file committed as it is; see {@link CommitRequest.inPlace}. */
export interface InPlaceFile {
  path: string
  oid: string
  /** Its stat taken before its bytes were read: a later write changes it, so git rehashes. */
  stat: BigIntStats
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

/** Hashes `files` and starts deflating their blobs; see {@link StagedFiles}. */
export function stageFiles(core: RepoCore, files: readonly CommitFile[]): StagedFiles {
  const hashed = files.map((f) => ({ path: f.path, data: f.data, oid: f.oid ?? ObjectDatabase.hash('blob', f.data) }))
  const deflated = files.map((f, i) => f.deflater?.deflate(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength)) ?? ObjectDatabase.deflate('blob', hashed[i]!.data))
  // A caller that abandons the stage must not see an unhandled rejection; write re-awaits them.
  for (const d of deflated) d.catch(() => undefined)
  let written: Promise<void> | null = null
  const write = (): Promise<void> => {
    written ??= Promise.all(hashed.map((f, i) => core.objects.writeDeflated(f.oid, deflated[i]!))).then(() => undefined)
    written.catch(() => undefined)
    return written
  }
  return { staged: true, files: hashed, write }
}

function joinStaged(a: StagedFiles, b: StagedFiles): StagedFiles {
  return { staged: true, files: [...a.files, ...b.files], write: () => Promise.all([a.write(), b.write()]).then(() => undefined) }
}

/**
 * The one commit path of the store (save, overwrite, saves to another branch, import, adopt).
 * Its ordering rule is what makes a crash at any instant safe:
 * 1. blobs, the prepared working-tree copies (temp names), the trees and the commit (built in
 *    memory from the blob ids) are written side by side, each fsynced as it is written;
 * 2. the ref moves by compare-and-swap, only once all of them are durable: the commit point;
 * 3. only then are the working-tree copies renamed into place and the index updated.
 * A crash before 2 leaves the ref as it was (unreferenced objects are harmless, our temp files are
 * removed by repair); a crash after it leaves a working tree that lags the ref, which
 * `repairWorkingTree` on open finishes from the same temp files.
 */
export async function commitTransaction(parts: TransactionParts, request: CommitRequest): Promise<CommitOutcome> {
  const { core, worktree: wt } = parts
  const own = 'staged' in request.files ? request.files : stageFiles(core, request.files)
  const staged = request.staged ? joinStaged(request.staged, own) : own
  const blobs = new Map(staged.files.map((f) => [f.path, f.oid]))
  // Only a checked-out ref has working-tree copies; a commit to another branch is objects and refs only.
  const asIs = new Set((request.inPlace ?? []).map((f) => f.path))
  // Each write fsyncs its own file: all of them run side by side, so that is one parallel round
  // of fsyncs, without reopening every file afterwards to fsync it (issue #14).
  const preparing = request.worktree ? staged.files.filter((f) => !asIs.has(f.path)).map((f) => wt.prepareFile(f.path, f.data, f.oid)) : []
  // Trees and the commit need only the blob ids, so they are written while the blobs still are.
  const building = buildCommit(parts, request, blobs)
  const [written, built, ...preparedResults] = await Promise.allSettled([staged.write(), building, ...preparing])
  // Settle each one on its own, so a failure of one never strands the other's temp file.
  const prepared = preparedResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failure = [written, built, ...preparedResults].find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failure || built.status !== 'fulfilled') {
    await wt.discardFiles(prepared)
    throw (failure as PromiseRejectedResult).reason
  }
  const { tree, commit } = built.value
  let moved = false
  try {
    // Everything the new ref will point at, and the copies renamed after it, is durable first
    // (objects written with a deferred fsync by other paths included).
    await core.objects.flush()
    await core.refs.update(request.ref, commit, request.expected, { sync: core.sync })
    moved = true
    return { commit, tree, blobs, warnings: await finishWorkingTree(wt, prepared, request) }
  } finally {
    if (!moved) await wt.discardFiles(prepared)
  }
}

/** Writes the trees on the changed paths and the commit (each fsynced), as one parallel batch. */
async function buildCommit(parts: TransactionParts, request: CommitRequest, blobs: ReadonlyMap<string, string>): Promise<{ tree: string; commit: string }> {
  const batch = { batch: true }
  try {
    const tree = await parts.trees.updateTree(request.parentTree, blobs, batch)
    const commit = await parts.trees.writeCommit(
      {
        tree,
        parents: [...(request.parents ?? (request.expected ? [request.expected] : []))],
        author: request.author,
        committer: request.committer ?? request.author,
        message: request.message,
      },
      batch,
    )
    return { tree, commit }
  } finally {
    // Waited for on failure too, so no write of this batch outlives the transaction unobserved.
    await parts.core.objects.drain()
  }
}

async function finishWorkingTree(wt: WorkingTree, prepared: readonly PreparedFile[], request: CommitRequest): Promise<string[]> {
  if (!request.worktree) return []
  try {
    await wt.commitFiles(prepared, [], request.inPlace ?? [])
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
