import { UnsupportedIndexError } from '../errors/index.js'
import { tempOwnerPid } from '../io/atomic.js'
import { ioError, isNotFound, readFileOrNull } from '../io/fs.js'
import { processAlive, type LockTakeover } from '../io/lock.js'
import { releaseUnreleasedLocks } from '../io/unreleased-locks.js'
import type { Checkout } from './checkout.js'
import type { RepoCore } from './core.js'
import { entryFromStat, type IndexEntry } from './index-file.js'
import type { IndexManager } from './index-manager.js'
import { ObjectDatabase } from './objects.js'
import type { StoreFiles } from './store-files.js'
import type { TreeStore } from './trees.js'
import { findGitLocks, findTempFiles, targetOfTemp } from './leftover-scan.js'

/** The parts of a repository repair works with. */
export interface RepairParts {
  core: RepoCore
  trees: TreeStore
  index: IndexManager
  checkout: Checkout
  files: StoreFiles
}

/** Something repair did. */
export interface RepairAction {
  /** What was done. */
  action: 'restored-file' | 'removed-temp-file' | 'updated-index-entry' | 'removed-git-lock' | 'finished-switch'
  /** The path, relative to the store directory (`.git/...` for files inside git). */
  path: string
  /** Why it was safe. */
  reason: string
}

/** A leftover that is still there (found by a dry run, or one repair must not touch). */
export interface LeftoverProblem {
  code: 'E_STALE_TEMP_FILE' | 'E_STALE_GIT_LOCK' | 'E_WORKTREE_LAGS_HEAD' | 'E_INDEX_LAGS_HEAD' | 'E_UNREADABLE_INDEX' | 'E_PENDING_SWITCH' | 'E_KEPT_EDIT'
  path: string
  message: string
}

/** What {@link repairLeftovers} did and what it left. */
export interface RepairResult {
  actions: RepairAction[]
  problems: LeftoverProblem[]
}

/** The arguments of {@link repairLeftovers}. */
export interface RepairOptions {
  /**
   * Set when the write lock was just taken over from a crashed holder. Only then may git's own
   * `.lock` files be removed, and only those the crashed holder could have made.
   */
  takeover?: LockTakeover | null
  /** Report leftovers without changing anything. */
  dryRun?: boolean
}

const PENDING_REASONS = {
  finished: 'the ref had moved: brought the working tree and index to it',
  dropped: 'the ref never moved: nothing to finish',
  'rolled-back': "the switch could not be finished: moved the ref back to where it was and the working tree with it",
} as const

/** Git slack for clocks that tick in whole seconds (mtime precision) and for the owner file being written just after mkdir. */
const CLOCK_SLACK_MS = 2_000

/**
 * Detects and repairs what a crashed writer can leave behind. Must run under the store's write
 * lock (or with `dryRun`). It never deletes user data; every rule below only touches files that
 * evogit itself creates, and only when their creator is provably gone:
 *
 * - **Temp files** (`.<name>.<pid>.<hex>.evogit-tmp`) whose owner pid is dead. In the working
 *   tree, a temp file whose content is HEAD's blob for that path was prepared by a save that
 *   passed its commit point: it is renamed into place when the target is missing or still the
 *   version the index records (so an edit by hand is never overwritten). Every other dead temp
 *   file holds content of a write that never committed and is removed.
 * - **The index** may lag HEAD after such a crash. An entry is set to HEAD's blob only where the
 *   working-tree file already has exactly that content; a file edited or staged by hand is left
 *   as it is.
 * - **An interrupted checkout or rollback** (its journal `.git/evogit/pending.json`) is finished
 *   when its ref had moved, leaving files edited by hand alone, or dropped when it had not.
 * - **git `.lock` files** (`HEAD.lock`, `index.lock`, `refs/**.lock`, ...) are removed only right
 *   after the evogit write lock was taken over from a crashed holder, and only when they were last
 *   modified during that holder's tenure (when its start is unknown: older than half the stale
 *   threshold), or when this very process created them and a failed write (a read-only disk)
 *   could not remove them then. Any other `.lock` file may belong to a running git command: it is
 *   reported, never removed.
 *
 * @returns The actions taken and the leftovers that remain.
 * @example
 * ```ts
 * const { actions } = await ctx.lock.run(() => ctx.repo.repair({}))
 * ```
 */
export async function repairLeftovers(parts: RepairParts, options: RepairOptions): Promise<RepairResult> {
  const { takeover = null, dryRun = false } = options
  const { core: repo, trees, index: indexFile } = parts
  const result: RepairResult = { actions: [], problems: [] }
  await repairGitLocks(repo, takeover, dryRun, result)
  // A checkout or rollback journals its working-tree switch; finish it (or drop it, if its ref never moved).
  if (dryRun) {
    if ((await parts.files.read('pending.json')) !== null) {
      result.problems.push({ code: 'E_PENDING_SWITCH', path: '.git/evogit/pending.json', message: 'a checkout or rollback was interrupted; repair finishes it' })
    }
  } else {
    const pending = await parts.checkout.resolvePending()
    if (pending) {
      result.actions.push({ action: 'finished-switch', path: '.git/evogit/pending.json', reason: PENDING_REASONS[pending.outcome] + (pending.reason ? ` (finishing failed: ${pending.reason})` : '') })
      for (const path of pending.kept) result.problems.push({ code: 'E_KEPT_EDIT', path, message: `${path} was edited by hand; kept the edit` })
    }
  }
  const head = await repo.refs.head()
  const headFiles = new Map<string, { oid: string; mode: string }>()
  if (head.oid) {
    const commit = await trees.readCommit(head.oid)
    for (const f of await trees.flatten(commit.tree)) headFiles.set(f.path, { oid: f.oid, mode: f.mode })
  }
  let index: IndexEntry[] | null = null
  try {
    index = await indexFile.read()
  } catch (err) {
    if (!(err instanceof UnsupportedIndexError)) throw err
    result.problems.push({ code: 'E_UNREADABLE_INDEX', path: '.git/index', message: err.message })
  }
  const indexByPath = new Map((index ?? []).map((e) => [e.path, e]))
  const indexUpdates: IndexEntry[] = []

  for (const tmp of await findTempFiles(repo.fs, repo.dir, '', true)) {
    const pid = tempOwnerPid(tmp.slice(tmp.lastIndexOf('/') + 1))
    // Under the write lock no evogit write of this store is in flight, not even one of ours: a
    // temp file of our own pid is left by a write that failed (full disk) after its commit point.
    if (pid !== null && processAlive(pid) && (dryRun || pid !== process.pid)) continue
    if (tmp.startsWith('.git/')) {
      // Loose objects and journals are written whole or not at all: a dead writer's temp file is garbage.
      await removeTemp(repo, tmp, 'its writer died before renaming it into place', dryRun, result)
      continue
    }
    const target = targetOfTemp(tmp)
    const content = await readFileOrNull(repo.fs, `${repo.dir}/${tmp}`)
    if (content === null) continue
    const blob = ObjectDatabase.hash('blob', content)
    const committed = headFiles.get(target)
    if (committed?.oid !== blob) {
      await removeTemp(repo, tmp, 'its save never reached the commit point', dryRun, result)
      continue
    }
    const current = await readFileOrNull(repo.fs, `${repo.dir}/${target}`)
    const currentBlob = current === null ? null : ObjectDatabase.hash('blob', current)
    if (currentBlob === blob) {
      await removeTemp(repo, tmp, 'the file already has the committed content', dryRun, result)
    } else if (current === null || (currentBlob !== null && currentBlob === indexByPath.get(target)?.oid)) {
      if (dryRun) {
        result.problems.push({ code: 'E_WORKTREE_LAGS_HEAD', path: target, message: `${target} lags HEAD; its committed content waits in ${tmp}` })
        continue
      }
      try {
        await repo.fs.rename(`${repo.dir}/${tmp}`, `${repo.dir}/${target}`)
      } catch (err) {
        throw ioError(err, `${repo.dir}/${target}`, 'restore')
      }
      result.actions.push({ action: 'restored-file', path: target, reason: 'a save committed it but crashed before putting it in the working tree' })
    } else {
      // Edited by hand since: keep the edit. The committed content is safe in git.
      await removeTemp(repo, tmp, `${target} was edited by hand; kept the edit (HEAD still has the committed version)`, dryRun, result)
    }
  }

  for (const [path, committed] of headFiles) {
    const entry = indexByPath.get(path)
    if (entry?.oid === committed.oid || committed.mode !== '100644') continue
    const abs = `${repo.dir}/${path}`
    const current = await readFileOrNull(repo.fs, abs).catch(() => null)
    if (current === null || ObjectDatabase.hash('blob', current) !== committed.oid) {
      // Missing, edited by hand or staged differently: that is the user's business, not a leftover.
      continue
    }
    if (dryRun) {
      result.problems.push({ code: 'E_INDEX_LAGS_HEAD', path, message: `the index entry of ${path} lags HEAD although the file matches it` })
      continue
    }
    indexUpdates.push(entryFromStat(path, committed.oid, await repo.fs.stat(abs, { bigint: true })))
  }
  if (indexUpdates.length > 0 && index !== null) {
    await indexFile.update(indexUpdates)
    for (const e of indexUpdates) result.actions.push({ action: 'updated-index-entry', path: e.path, reason: 'the working-tree file already matched HEAD' })
  }
  return result
}

async function removeTemp(repo: RepoCore, tmp: string, reason: string, dryRun: boolean, result: RepairResult): Promise<void> {
  if (dryRun) {
    result.problems.push({ code: 'E_STALE_TEMP_FILE', path: tmp, message: `${tmp} is a temp file left by a crashed writer (${reason})` })
    return
  }
  await repo.fs.unlink(`${repo.dir}/${tmp}`).catch((err: unknown) => {
    if (!isNotFound(err)) throw ioError(err, `${repo.dir}/${tmp}`, 'remove')
  })
  result.actions.push({ action: 'removed-temp-file', path: tmp, reason })
}

async function repairGitLocks(repo: RepoCore, takeover: LockTakeover | null, dryRun: boolean, result: RepairResult): Promise<void> {
  if (!dryRun) {
    for (const abs of await releaseUnreleasedLocks(repo.gitdir)) {
      result.actions.push({ action: 'removed-git-lock', path: `.git/${abs.slice(repo.gitdir.length + 1)}`, reason: 'left by this process: a failed write could not remove it then' })
    }
  }
  for (const rel of await findGitLocks(repo.fs, repo.gitdir)) {
    const abs = `${repo.gitdir}/${rel}`
    let mtimeMs: number
    try {
      mtimeMs = (await repo.fs.stat(abs)).mtimeMs
    } catch (err) {
      if (isNotFound(err)) continue
      throw ioError(err, abs, 'stat')
    }
    // Ours only if it was last touched during the dead holder's tenure: after it took the lock
    // and no later than its last sign of life. A lock a live git command makes now is newer.
    const ours =
      takeover !== null &&
      mtimeMs <= takeover.lastSeen + CLOCK_SLACK_MS &&
      (takeover.since !== null ? mtimeMs >= takeover.since - CLOCK_SLACK_MS : Date.now() - mtimeMs >= takeover.staleMs / 2)
    if (!ours || dryRun) {
      result.problems.push({
        code: 'E_STALE_GIT_LOCK',
        path: `.git/${rel}`,
        message: `.git/${rel} exists: a git command is running, or one crashed (remove it by hand if none is running)`,
      })
      continue
    }
    await repo.fs.unlink(abs).catch((err: unknown) => {
      if (!isNotFound(err)) throw ioError(err, abs, 'remove')
    })
    result.actions.push({ action: 'removed-git-lock', path: `.git/${rel}`, reason: `left by evogit process ${takeover.pid ?? '(unknown)'}, which died holding the write lock` })
  }
}
