import { dirname } from 'node:path'
import { ioError, isNotFound } from '../io/fs.js'
import type { RepoCore } from './core.js'
import { entryFromStat, entryWithoutStat, type IndexEntry } from './index-file.js'
import type { IndexManager } from './index-manager.js'
import type { StoreFiles } from './store-files.js'
import type { TreeStore } from './trees.js'
import type { WorkingTree } from './worktree.js'

/** What a working-tree switch wrote and removed. */
export interface SwitchResult {
  written: string[]
  removed: string[]
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
   * Moves the working tree and index from one tree to another around `moveRef`, the commit
   * point (a branch CAS or a HEAD switch). A journal written before the move lets `recoverPending`
   * finish the job if the process dies half-way through the files, so a crash never leaves a
   * half-switched working tree that looks like user edits.
   */
  async switchTree(options: { op: string; from: string | null; to: string; moveRef: () => Promise<void> }): Promise<SwitchResult> {
    const { from, to } = options
    await this.files.write('pending.json', JSON.stringify({ op: options.op, from, to, pid: process.pid, startedAt: new Date().toISOString() }))
    try {
      await options.moveRef()
    } catch (err) {
      await this.files.remove('pending.json')
      throw err
    }
    let result: SwitchResult
    try {
      result = await this.applyTree(from, to, () => true)
    } catch (err) {
      // The ref has moved; finish from the journal now (it keeps hand edits) rather than leave a
      // half-switched tree until the store is next opened. If that fails too, the journal stays.
      await this.recoverPending().catch(() => undefined)
      throw err
    }
    await this.files.remove('pending.json')
    return result
  }

  /**
   * Finishes a working-tree switch that a crash interrupted, if its ref move happened; files a
   * user changed since (content matching neither side) are left alone and reported.
   */
  async recoverPending(): Promise<{ completed: boolean; kept: string[] } | null> {
    const raw = await this.files.read('pending.json')
    if (raw === null) return null
    let journal: { from: string | null; to: string }
    try {
      journal = JSON.parse(raw) as { from: string | null; to: string }
    } catch {
      await this.files.remove('pending.json')
      return { completed: false, kept: [] }
    }
    const head = await this.core.refs.head()
    const headTree = head.oid ? (await this.trees.readCommit(head.oid)).tree : null
    if (headTree !== journal.to) {
      // The ref never moved: no file was touched yet, so there is nothing to finish.
      await this.files.remove('pending.json')
      return { completed: false, kept: [] }
    }
    const kept: string[] = []
    const fromFiles = new Map((journal.from ? await this.trees.flatten(journal.from) : []).map((f) => [f.path, f.oid]))
    const toFiles = new Map((await this.trees.flatten(journal.to)).map((f) => [f.path, f.oid]))
    await this.applyTree(journal.from, journal.to, async (path) => {
      const onDisk = await this.worktree.hashWorkingFile(path)
      const ok = onDisk === null || onDisk === fromFiles.get(path) || onDisk === toFiles.get(path)
      if (!ok) kept.push(path)
      return ok
    })
    await this.files.remove('pending.json')
    return { completed: true, kept }
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
