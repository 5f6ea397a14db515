import type { StoreFs } from '../io/fs.js'
import type { LockTakeover } from '../io/lock.js'
import { Checkout, type PendingResolution, type RefMove, type SwitchResult } from './checkout.js'
import { currentTips, objectStoreSize, repack, type IncrementalOptions, type ObjectStoreSize, type RepackOptions } from './compact.js'
import { repackIncrementally } from './repack-incremental.js'
import { estimateLooseObjects } from './loose-estimate.js'
import { createCore, type RepoCore } from './core.js'
import type { CommitData, CommitLink, TagData, TreeEntry } from './format.js'
import type { IndexEntry } from './index-file.js'
import { checkGraph, newGraphWalk, type GraphWalk, type ObjectProblem } from './graph-check.js'
import { IndexManager } from './index-manager.js'
import { createRepository, gitDirExists } from './init.js'
import { isoGit } from './isomorphic.js'
import { repairLeftovers, type RepairResult } from './leftovers.js'
import type { ObjectDatabase } from './objects.js'
import type { RefStore } from './refs.js'
import { RepoConfig } from './repo-config.js'
import { StoreFiles } from './store-files.js'
import { commitTransaction, stageFiles, tagTransaction, type CommitFile, type CommitOutcome, type CommitRequest, type StagedFiles, type TagRequest } from './transaction.js'
import { TreeStore, type TreeFile } from './trees.js'
import { WorkingTree } from './worktree.js'

export { EMPTY_TREE } from './trees.js'
export type { PreparedFile } from './worktree.js'
export type { PendingResolution, RefMove } from './checkout.js'
export type { GraphWalk, ObjectProblem } from './graph-check.js'

/** Options of {@link Repository.open}. */
export interface RepositoryOptions {
  fs: StoreFs
  dir: string
  /** fsync every file before it is renamed into place (default true). */
  sync?: boolean
}

const cores = new WeakMap<Repository, RepoCore>()

/**
 * The shared internals of a repository, for the other modules of `src/git` (remotes). Lint keeps
 * every other layer from importing it: only `src/git` knows the `.git` layout.
 */
export function repoCore(repo: Repository): RepoCore {
  return cores.get(repo)!
}

/**
 * One non-bare git repository, as the store sees it: typed reads, the one commit transaction,
 * working-tree switches, the index's state, repair of what a crash left, and the store's own
 * files. Reading needs no checkout; writing is done by the store under its write lock. The
 * parts behind it (one per file, like isomorphic-git's managers) are `TreeStore`, `IndexManager`,
 * `WorkingTree`, `Checkout`, `StoreFiles`, `RepoConfig` and the leftovers repair.
 */
export class Repository {
  readonly objects: ObjectDatabase
  readonly refs: RefStore
  /** The store's own files under `.git/evogit/`. */
  readonly storeFiles: StoreFiles
  private readonly trees: TreeStore
  private readonly index: IndexManager
  private readonly worktree: WorkingTree
  private readonly checkout: Checkout
  private readonly config: RepoConfig

  private constructor(options: RepositoryOptions) {
    const core = createCore(options.fs, options.dir, options.sync ?? true)
    cores.set(this, core)
    this.objects = core.objects
    this.refs = core.refs
    this.storeFiles = new StoreFiles(core)
    this.trees = new TreeStore(core)
    this.index = new IndexManager(core)
    this.worktree = new WorkingTree(core, this.trees, this.index)
    this.checkout = new Checkout(core, this.trees, this.index, this.worktree, this.storeFiles)
    this.config = new RepoConfig(core)
  }

  /** Opens the repository whose working tree is `dir`. */
  static open(options: RepositoryOptions): Repository {
    return new Repository(options)
  }

  /**
   * Creates `.git` on `defaultBranch`, complete with `config` (`section.key` values), atomically
   * (see {@link createRepository}). `null` when another process published its `.git` first.
   */
  static async init(options: RepositoryOptions & { defaultBranch: string; config?: Record<string, string> }): Promise<Repository | null> {
    const created = await createRepository({ fs: options.fs, dir: options.dir, defaultBranch: options.defaultBranch, sync: options.sync ?? true, ...(options.config ? { config: options.config } : {}) })
    return created ? new Repository(options) : null
  }

  /** True when `dir/.git` is a git directory. */
  static exists(fs: StoreFs, dir: string): Promise<boolean> {
    return gitDirExists(fs, dir)
  }

  /** Where the store's write lock lives (inside the git directory, so it is never committed). */
  get writeLockDir(): string {
    return repoCore(this).gitdir
  }

  // ---- config --------------------------------------------------------------------------

  /** Reads a git config value (repository-local config only). */
  getConfig(path: string): Promise<string | undefined> {
    return this.config.get(path)
  }

  /** Sets a git config value. Only called when a store is created or adopted, never on the save path. */
  setConfig(path: string, value: string): Promise<void> {
    return this.config.set(path, value)
  }

  /** Records (or replaces) a remote in `.git/config`, as `git remote add` would. */
  addRemote(name: string, url: string): Promise<void> {
    return this.config.addRemote(name, url)
  }

  // ---- objects -------------------------------------------------------------------------

  /** The full id of an abbreviated one, or `null` when none (or more than one) matches. */
  async expandOid(short: string): Promise<string | null> {
    const core = repoCore(this)
    try {
      return await (await isoGit()).expandOid({ fs: core.isoFs, gitdir: core.gitdir, oid: short })
    } catch {
      return null
    }
  }

  /** A parsed commit (cached). */
  readCommit(oid: string): Promise<CommitData> {
    return this.trees.readCommit(oid)
  }

  /** A commit's parents and message only, uncached: for walks that read each commit once. */
  readCommitLink(oid: string): Promise<CommitLink> {
    return this.trees.readCommitLink(oid)
  }

  /** A parsed tree (cached). */
  readTree(oid: string): Promise<readonly TreeEntry[]> {
    return this.trees.readTree(oid)
  }

  /** A parsed annotated tag. */
  readTag(oid: string): Promise<TagData> {
    return this.trees.readTag(oid)
  }

  /** Follows annotated tags until a non-tag object; returns its id and type. */
  peel(oid: string): Promise<{ oid: string; type: string }> {
    return this.trees.peel(oid)
  }

  /** The entry at `path` for a one-file read: cached trees are used, others are scanned raw and not cached. */
  fileEntryAt(treeOid: string, path: string): Promise<TreeEntry | null> {
    return this.trees.fileEntryAt(treeOid, path)
  }

  /** The entry at `path` (slash-separated) inside a tree, or `null`. */
  entryAt(treeOid: string, path: string): Promise<TreeEntry | null> {
    return this.trees.entryAt(treeOid, path)
  }

  /** Every file in a tree, with its full path, in index order. */
  flatten(treeOid: string): Promise<TreeFile[]> {
    return this.trees.flatten(treeOid)
  }

  /**
   * Every missing or damaged object in the whole history of `tip` (all parents, all trees, blob
   * existence) and the tip tree's shapes no checkout would write. Pass one `walk` for several refs
   * so shared history is checked once. Never throws for a broken object.
   */
  checkHistory(tip: string, walk: GraphWalk = newGraphWalk()): Promise<ObjectProblem[]> {
    return checkGraph(repoCore(this), this.trees, tip, walk)
  }

  /** A fresh shared walk for {@link Repository.checkHistory}. */
  newHistoryWalk(): GraphWalk {
    return newGraphWalk()
  }

  /** About how many loose objects there are (one fan-out directory sampled, as `git gc --auto`). */
  estimateLooseObjects(): Promise<number> {
    const core = repoCore(this)
    return estimateLooseObjects(core.fs, core.gitdir)
  }

  /** How much room the object database takes. */
  objectStoreSize(): Promise<ObjectStoreSize> {
    const core = repoCore(this)
    return objectStoreSize(core.fs, core.gitdir)
  }

  /** Repacks every object with native git; cached pack knowledge is dropped afterwards. */
  async repack(options: Omit<RepackOptions, 'gitdir'>): Promise<void> {
    try {
      await repack({ ...options, gitdir: repoCore(this).gitdir })
    } finally {
      // Old packs are gone and loose objects moved: whatever we cached about them is stale.
      this.objects.forgetPacks()
    }
  }

  /** The ref tips (and a detached HEAD) now: what a compaction records as packed. */
  currentTips(gitBinary: string): Promise<string[]> {
    return currentTips(gitBinary, repoCore(this).gitdir)
  }

  /**
   * Incremental compaction (perf, issue #14): packs what is new since `since`, then merges small
   * packs geometrically. Both only add packs and need no lock; the deletions they make possible
   * (merged packs, loose objects now packed) run inside `underLock`, which the caller makes hold
   * the store's write lock (a save may be rewriting one of those loose objects). Returns false,
   * having changed nothing, when `since` names commits git no longer has.
   */
  repackIncrementally(options: Omit<IncrementalOptions, 'gitdir'>, underLock: (fn: () => Promise<void>) => Promise<void>): Promise<boolean> {
    return repackIncrementally(repoCore(this), this.objects, options, underLock)
  }

  // ---- writing -------------------------------------------------------------------------

  /**
   * Commits `files` onto `ref` as one crash-safe transaction: objects and working-tree copies,
   * made durable, then the ref's compare-and-swap, then the working tree and index. See
   * {@link commitTransaction}.
   */
  commit(request: CommitRequest): Promise<CommitOutcome> {
    return commitTransaction(this.parts(), request)
  }

  /**
   * Hashes files and starts writing their blobs, with no lock needed (unreferenced objects are
   * harmless); pass the result as `files` to {@link Repository.commit}.
   */
  stage(files: readonly CommitFile[]): StagedFiles {
    return stageFiles(repoCore(this), files)
  }

  /** Creates an annotated tag and its ref (which must not exist yet); returns the tag object's id. */
  createTag(request: TagRequest): Promise<string> {
    return tagTransaction(this.parts(), request)
  }

  private parts() {
    return { core: repoCore(this), trees: this.trees, worktree: this.worktree }
  }

  // ---- working tree and index ----------------------------------------------------------

  /** The index entries; an index evogit cannot rewrite is an `UnsupportedIndexError`. */
  readIndex(): Promise<IndexEntry[]> {
    return this.index.read()
  }

  /** Files whose working-tree or staged state differs from `treeOid`; see `WorkingTree.changedFiles`. */
  changedFiles(treeOid: string | null, untrackedIn: string | null = null): Promise<string[]> {
    return this.worktree.changedFiles(treeOid, untrackedIn)
  }

  /** The blob id of a working-tree file, or `null` when it is missing or not a regular file. */
  hashWorkingFile(path: string): Promise<string | null> {
    return this.worktree.hashWorkingFile(path)
  }

  /** Working-tree files writing `incoming` would destroy; see `WorkingTree.unsavedEdits`. */
  unsavedEdits(treeOid: string | null, incoming: ReadonlyMap<string, () => string>): Promise<string[]> {
    return this.worktree.unsavedEdits(treeOid, incoming)
  }

  /** Checks `to`, then moves the working tree and index from `from` to it around `move`, journaled. */
  switchTree(options: { op: string; from: string | null; to: string; move: RefMove }): Promise<SwitchResult> {
    return this.checkout.switchTree(options)
  }

  /** True when an interrupted working-tree switch left its journal. */
  async hasPendingSwitch(): Promise<boolean> {
    return (await this.storeFiles.read('pending.json')) !== null
  }

  /** Finishes an interrupted working-tree switch; `null` when there was none. */
  recoverPending(): Promise<{ completed: boolean; kept: string[] } | null> {
    return this.checkout.recoverPending()
  }

  /** Finishes an interrupted switch, or rolls it back when it cannot be finished; `null` when none was pending. */
  resolvePending(): Promise<PendingResolution | null> {
    return this.checkout.resolvePending()
  }

  /**
   * Detects and repairs what a crashed writer left behind (see `repairLeftovers`). Call under
   * the store's write lock, or with `dryRun`.
   */
  repair(options: { takeover?: LockTakeover | null; dryRun?: boolean }): Promise<RepairResult> {
    const core = repoCore(this)
    return repairLeftovers({ core, trees: this.trees, index: this.index, checkout: this.checkout, files: this.storeFiles }, options)
  }
}
