import { ConcurrentUpdateError, StoreLockedError } from '../errors/index.js'
import { errnoOf, ioError, isNotFound, readFileOrNull, type StoreFs } from '../io/fs.js'
import { LockFile, type LockFileOptions } from '../io/lock-file.js'
import type { Dirent } from 'node:fs'

const OID = /^[0-9a-f]{40}$/

/** Where HEAD points: a branch (`refs/heads/main`) or, detached, a commit. */
export interface HeadState {
  /** The full branch ref HEAD names, or `null` when detached. */
  ref: string | null
  /** The commit HEAD resolves to, or `null` on an unborn branch. */
  oid: string | null
}

/**
 * Reads and updates refs. Updates follow git's own protocol, so native git and evogit exclude
 * each other: create `<ref>.lock` exclusively, check the current value (compare-and-swap),
 * write and fsync the new value, rename the lock over the ref. isomorphic-git's `writeRef`
 * writes in place with no lock and no check, which can tear a ref or lose a concurrent commit.
 */
export class RefStore {
  constructor(
    private readonly fs: StoreFs,
    private readonly gitdir: string,
  ) {}

  /** Reads HEAD. */
  async head(): Promise<HeadState> {
    const raw = await readFileOrNull(this.fs, `${this.gitdir}/HEAD`)
    const text = raw?.toString('utf8').trim() ?? ''
    if (text.startsWith('ref: ')) {
      const ref = text.slice(5).trim()
      return { ref, oid: await this.resolve(ref) }
    }
    return { ref: null, oid: OID.test(text) ? text : null }
  }

  /** Resolves a full ref name (`refs/heads/x`) to the oid it stores, or `null` when absent. Loose refs win over packed ones, as in git. */
  async resolve(ref: string): Promise<string | null> {
    const path = `${this.gitdir}/${ref}`
    const raw = await readFileOrNull(this.fs, path).catch((err: unknown) => {
      // A directory where a ref file would be (refs/heads/a when refs/heads/a/b exists) means "no such ref".
      if (errnoOf((err as { cause?: unknown }).cause) === 'EISDIR') return null
      throw err
    })
    if (raw !== null) {
      const text = raw.toString('utf8').trim()
      if (OID.test(text)) return text
      if (text.startsWith('ref: ')) return this.resolve(text.slice(5).trim())
    }
    return (await this.packed()).get(ref) ?? null
  }

  /**
   * Full ref names under a prefix such as `refs/heads/`, loose and packed, sorted; lock files
   * are not refs. Read here rather than by isomorphic-git, so that listing branches (compare,
   * branches, report) never loads it.
   */
  async list(prefix: string): Promise<string[]> {
    const base = prefix.replace(/\/$/, '')
    const names = new Set<string>()
    const walk = async (dir: string): Promise<void> => {
      const path = `${this.gitdir}/${dir}`
      let entries: Dirent[]
      try {
        entries = await this.fs.readdir(path, { withFileTypes: true })
      } catch (err) {
        if (isNotFound(err)) return
        throw ioError(err, path, 'list refs in')
      }
      for (const entry of entries) {
        if (entry.isDirectory()) await walk(`${dir}/${entry.name}`)
        else if (!entry.name.endsWith('.lock')) names.add(`${dir}/${entry.name}`)
      }
    }
    await walk(base)
    for (const ref of (await this.packed()).keys()) if (ref.startsWith(`${base}/`)) names.add(ref)
    return [...names].sort()
  }

  /**
   * The refs in `packed-refs` (where `git gc` and `git pack-refs` move them): `<oid> <ref>`
   * lines, after an optional `# pack-refs with:` header, each annotated tag's followed by its
   * peeled value on a `^<oid>` line.
   */
  private async packed(): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    const raw = await readFileOrNull(this.fs, `${this.gitdir}/packed-refs`)
    if (raw === null) return out
    for (const line of raw.toString('utf8').split('\n')) {
      const oid = line.slice(0, 40)
      if (line[40] === ' ' && OID.test(oid)) out.set(line.slice(41).trim(), oid)
    }
    return out
  }

  /**
   * Points `ref` at `next` if it currently holds `expected` (`null`: must not exist yet).
   * Throws {@link ConcurrentUpdateError} when another writer moved it first, so no commit is lost.
   */
  async update(ref: string, next: string, expected: string | null, options: { sync?: boolean } = {}): Promise<void> {
    const lock = await LockFile.acquire(this.fs, `${this.gitdir}/${ref}`, REF_LOCK)
    await lock.update(
      async () => {
        const actual = await this.resolve(ref)
        if (actual !== expected) {
          throw new ConcurrentUpdateError(
            `${shortRef(ref)} moved while we were writing (expected ${expected ?? 'no ref'}, found ${actual ?? 'no ref'}); nothing was lost, retry on top of the new tip`,
            { ref, expected, actual },
          )
        }
        return `${next}\n`
      },
      { sync: options.sync ?? true, action: 'update ref' },
    )
  }

  /** Points HEAD at a branch (`ref: refs/heads/x`), atomically and under HEAD.lock. */
  async setHead(ref: string): Promise<void> {
    const lock = await LockFile.acquire(this.fs, `${this.gitdir}/HEAD`, REF_LOCK)
    await lock.commit(`ref: ${ref}\n`, { sync: true, action: 'update HEAD' })
  }

  /**
   * Deletes a ref if it still holds `expected`: the loose file, and its line in `packed-refs`
   * (after `git gc` most refs live only there), rewritten under `packed-refs.lock` as git does.
   */
  async remove(ref: string, expected: string): Promise<void> {
    const path = `${this.gitdir}/${ref}`
    const lock = await LockFile.acquire(this.fs, path, REF_LOCK)
    try {
      const actual = await this.resolve(ref)
      if (actual !== expected) throw new ConcurrentUpdateError(`${shortRef(ref)} moved; not deleting it`, { ref, expected, actual })
      await this.removeFromPackedRefs(ref)
      await this.fs.unlink(path).catch((err: unknown) => {
        if (!isNotFound(err)) throw ioError(err, path, 'delete ref')
      })
    } finally {
      await lock.rollback()
    }
  }

  private async removeFromPackedRefs(ref: string): Promise<void> {
    const path = `${this.gitdir}/packed-refs`
    if ((await readFileOrNull(this.fs, path)) === null) return
    // Read under git's lock, so a concurrent `git pack-refs` cannot slip a change in between.
    const lock = await LockFile.acquire(this.fs, path, REF_LOCK)
    await lock.update(
      async () => {
        const lines = ((await readFileOrNull(this.fs, path)) ?? Buffer.alloc(0)).toString('utf8').split('\n')
        const kept: string[] = []
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i]!
          if (!line.startsWith('#') && line.endsWith(` ${ref}`)) {
            if (lines[i + 1]?.startsWith('^')) i++ // the peeled value of an annotated tag goes with it
            continue
          }
          kept.push(line)
        }
        return kept.length === lines.length ? null : kept.join('\n')
      },
      { sync: true, action: 'rewrite' },
    )
  }
}

/**
 * git waits briefly for a ref lock (core.filesRefLockTimeout); so do we, then give up with a typed
 * error. A ref in a new namespace (refs/evogit/archive/…) needs its directory made first.
 */
const REF_LOCK: LockFileOptions = {
  attempts: 40,
  delayMs: 25,
  mkdir: true,
  action: 'lock ref',
  busy: (lockPath) =>
    new StoreLockedError(`${lockPath} exists: another git process is updating this ref, or one crashed (remove the file if no git command is running)`, { dir: lockPath }),
}

/** `refs/heads/main` → `main`, for messages. */
export function shortRef(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '')
}
