import { dirname } from 'node:path'
import { ioError, isNotFound } from '../io/fs.js'
import type { RepoCore } from './core.js'
import { entryFromStat, entryWithoutStat, type IndexEntry } from './index-file.js'
import type { IndexManager } from './index-manager.js'
import type { StoreFiles } from './store-files.js'
import { assertCheckoutable } from './tree-check.js'
import type { TreeStore } from './trees.js'
import type { WorkingTree } from './worktree.js'

/** What a working-tree switch wrote and removed. */
export interface SwitchResult {
  written: string[]
  removed: string[]
}

/**
 * The ref move a switch is made around, recorded in the journal so that a switch that cannot be
 * finished can be rolled back: HEAD from one branch to another, or a branch from one commit to
 * another (compare-and-swap).
 */
export type RefMove = { kind: 'head'; before: string | null; after: string } | { kind: 'ref'; ref: string; before: string | null; after: string }

/** How an interrupted switch was resolved. */
export interface PendingResolution {
  /** `finished`: brought forward to the new tree; `rolled-back`: the ref moved back to where it was; `dropped`: its ref never moved. */
  outcome: 'finished' | 'rolled-back' | 'dropped'
  /** Files edited by hand since, left as they were. */
  kept: string[]
  /** Why finishing failed, when it was rolled back. */
  reason?: string
}

interface Journal {
  op: string
  from: string | null
  to: string
  move?: RefMove
}

/**
 * Moves the working tree and index from one tree to another around a ref move, with a journal
 * (`.git/evogit/pending.json`) that lets an interrupted switch be finished after a crash.
 */
export class Checkout {
  constructor(
    private readonly core: RepoCore,
    private readonly trees: TreeStore,
    private readonly index: IndexManager,
    private readonly worktree: WorkingTree,
    private readonly files: StoreFiles,
  ) {}

  /**
   * Moves the working tree and index from one tree to another around `move`, the commit point (a
   * branch CAS or a HEAD switch). Every entry of `to` is checked first, so a tree that cannot be
   * written whole is refused before anything moves. A journal written before the move lets
   * `resolvePending` finish (or roll back) the job if the process dies half-way through the files,
   * so a crash never leaves a half-switched working tree that looks like user edits.
   */
  async switchTree(options: { op: string; from: string | null; to: string; move: RefMove }): Promise<SwitchResult> {
    const { from, to, move } = options
    await assertCheckoutable(this.core, this.trees, from, to)
    await this.files.write('pending.json', JSON.stringify({ op: options.op, from, to, move, pid: process.pid, startedAt: new Date().toISOString() }))
    try {
      await this.moveRef(move, 'forward')
    } catch (err) {
      await this.files.remove('pending.json')
      throw err
    }
    let result: SwitchResult
    try {
      result = await this.applyTree(from, to, () => true)
    } catch (err) {
      // The ref has moved; finish from the journal now (it keeps hand edits), or roll back, rather
      // than leave a half-switched tree until the store is next opened.
      await this.resolvePending().catch(() => undefined)
      throw err
    }
    await this.files.remove('pending.json')
    return result
  }

  /**
   * Finishes a working-tree switch that a crash interrupted, if its ref move happened; files a
   * user changed since (content matching neither side) are left alone and reported. Throws when
   * the switch cannot be finished (the journal stays); see {@link resolvePending}.
   */
  async recoverPending(): Promise<{ completed: boolean; kept: string[] } | null> {
    const journal = await this.readJournal()
    if (journal === null) return null
    if (journal === 'unreadable' || !(await this.refMoved(journal))) {
      // The ref never moved: no file was touched yet, so there is nothing to finish.
      await this.files.remove('pending.json')
      return { completed: false, kept: [] }
    }
    const kept = await this.applyCarefully(journal.from, journal.to)
    await this.files.remove('pending.json')
    return { completed: true, kept }
  }

  /**
   * Resolves an interrupted switch whatever state it is in: finished forward when it can be;
   * otherwise the ref is moved back to the journal's `from` and the working tree follows. Used by
   * repair (`verify --repair`) and `checkout --force`. `null` when no switch was pending.
   */
  async resolvePending(): Promise<PendingResolution | null> {
    let forward: Error
    try {
      const done = await this.recoverPending()
      if (done === null) return null
      return { outcome: done.completed ? 'finished' : 'dropped', kept: done.kept }
    } catch (err) {
      forward = err as Error
    }
    const journal = await this.readJournal()
    if (journal === null || journal === 'unreadable' || !journal.move) throw forward
    await this.moveRef(journal.move, 'back')
    const kept = journal.from === null ? [] : await this.applyCarefully(journal.to, journal.from)
    await this.files.remove('pending.json')
    return { outcome: 'rolled-back', kept, reason: forward.message }
  }

  private async readJournal(): Promise<Journal | 'unreadable' | null> {
    const raw = await this.files.read('pending.json')
    if (raw === null) return null
    try {
      const parsed = JSON.parse(raw) as Journal
      return typeof parsed.to === 'string' ? parsed : 'unreadable'
    } catch {
      return 'unreadable'
    }
  }

  private async refMoved(journal: Journal): Promise<boolean> {
    const head = await this.core.refs.head()
    const headTree = head.oid ? (await this.trees.readCommit(head.oid)).tree : null
    return headTree === journal.to
  }

  private async moveRef(move: RefMove, direction: 'forward' | 'back'): Promise<void> {
    const [next, expected] = direction === 'forward' ? [move.after, move.before] : [move.before, move.after]
    if (move.kind === 'head') {
      if (next !== null) await this.core.refs.setHead(next)
      return
    }
    if (next === null) await this.core.refs.remove(move.ref, expected!)
    else await this.core.refs.update(move.ref, next, expected)
  }

  /** Applies `from` → `to`, leaving alone paths whose content matches neither side (or that are not files). */
  private async applyCarefully(from: string | null, to: string): Promise<string[]> {
    const kept: string[] = []
    const fromFiles = new Map((from ? await this.trees.flatten(from) : []).map((f) => [f.path, f.oid]))
    const toFiles = new Map((await this.trees.flatten(to)).map((f) => [f.path, f.oid]))
    await this.applyTree(from, to, async (path) => {
      const onDisk = await this.worktree.hashWorkingFile(path)
      const ok = onDisk === null ? !(await this.worktree.occupied(path)) : onDisk === fromFiles.get(path) || onDisk === toFiles.get(path)
      if (!ok) kept.push(path)
      return ok
    })
    return kept
  }

  private async applyTree(from: string | null, to: string, mayTouch: (path: string) => boolean | Promise<boolean>): Promise<SwitchResult> {
    const { fs, dir } = this.core
    const wt = this.worktree
    const fromFiles = new Map((from ? await this.trees.flatten(from) : []).map((f) => [f.path, f.oid]))
    const toFiles = await this.trees.flatten(to)
    const written: string[] = []
    const removed: string[] = []
    // The index is read under its lock and held for the whole switch, as git's checkout does.
    await this.index.modify(async (entries) => {
      const current = new Map(entries.map((e) => [e.path, e]))
      const next: IndexEntry[] = []
      for (const f of toFiles) {
        const existing = current.get(f.path)
        if (fromFiles.get(f.path) === f.oid && existing?.oid === f.oid && ((await wt.statMatches(existing)) || (await wt.hashWorkingFile(f.path)) === f.oid)) {
          next.push(existing)
          continue
        }
        if (!(await mayTouch(f.path))) {
          next.push(entryWithoutStat(f.path, f.oid))
          continue
        }
        const content = await this.core.objects.readTyped(f.oid, 'blob')
        const prepared = await wt.prepareFile(f.path, content, f.oid)
        const target = `${dir}/${f.path}`
        try {
          await fs.rename(prepared.tmp, target)
          next.push(entryFromStat(f.path, f.oid, await fs.stat(target, { bigint: true })))
        } catch (err) {
          await wt.discardFiles([prepared])
          throw ioError(err, target, 'write')
        }
        written.push(f.path)
      }
      const keep = new Set(toFiles.map((f) => f.path))
      for (const path of fromFiles.keys()) {
        if (keep.has(path) || !(await mayTouch(path))) continue
        await wt.assertNoLinkedParents(path)
        await fs.unlink(`${dir}/${path}`).catch((err: unknown) => {
          if (!isNotFound(err)) throw ioError(err, `${dir}/${path}`, 'remove')
        })
        removed.push(path)
        await this.removeEmptyParents(path)
      }
      return next
    })
    return { written, removed }
  }

  private async removeEmptyParents(path: string): Promise<void> {
    let at = dirname(path)
    while (at !== '.' && at !== '') {
      try {
        await this.core.fs.rmdir(`${this.core.dir}/${at}`)
      } catch {
        return // not empty, or already gone
      }
      at = dirname(at)
    }
  }
}
