import { tempOwnerPid, writeFileAtomic } from '../io/atomic.js'
import { readFileOrNull } from '../io/fs.js'
import { processAlive } from '../io/process-alive.js'
import type { RepoCore } from './core.js'

/** The files evogit keeps for itself under `.git/evogit/` (never pushed, never in a tree). */
export type StoreFileName = 'pending.json' | 'branches.json' | 'summaries.json' | 'compacted.json'

/**
 * The store's own files under `.git/evogit/`, behind one API so that only `src/git` knows where
 * they live: the checkout journal (`pending.json`) and the fork records (`branches.json`). Every
 * write is atomic (temp file, fsync, rename), so a crash leaves the old content or the new.
 */
export class StoreFiles {
  constructor(private readonly core: RepoCore) {}

  /** The absolute path of a store file (for messages). */
  path(name: StoreFileName): string {
    return `${this.core.gitdir}/evogit/${name}`
  }

  /** The path as the store reports it to users, relative to the store directory. */
  displayPath(name: StoreFileName): string {
    return `.git/evogit/${name}`
  }

  /**
   * Removes temp files that dead processes left here. Caches (`summaries.json`) are written by
   * readers, outside the write lock, so a reader killed mid-write leaves a temp file that no
   * lock takeover would ever repair; opening a store sweeps them. A live owner's are kept: its
   * rename may still be coming. Returns the names removed.
   */
  async sweepAbandonedTemps(): Promise<string[]> {
    const dir = `${this.core.gitdir}/evogit`
    const names = await this.core.fs.readdir(dir).catch(() => [] as string[])
    const removed: string[] = []
    for (const name of names) {
      const pid = tempOwnerPid(name)
      if (pid === null || processAlive(pid)) continue
      await this.core.fs.unlink(`${dir}/${name}`).then(
        () => removed.push(name),
        () => undefined,
      )
    }
    return removed
  }

  /** The file's text, or `null` when it does not exist. */
  async read(name: StoreFileName): Promise<string | null> {
    const raw = await readFileOrNull(this.core.fs, this.path(name))
    return raw === null ? null : raw.toString('utf8')
  }

  /** Replaces the file atomically; `sync: false` for caches, whose loss costs a rebuild only. */
  async write(name: StoreFileName, text: string, options: { sync?: boolean } = {}): Promise<void> {
    await writeFileAtomic(this.core.fs, this.path(name), text, { mkdir: true, sync: this.core.sync && (options.sync ?? true) })
  }

  /** Removes the file; a missing one is fine. */
  async remove(name: StoreFileName): Promise<void> {
    await this.core.fs.unlink(this.path(name)).catch(() => undefined)
  }
}
