import { writeFileAtomic } from '../io/atomic.js'
import type { StoreFs } from '../io/fs.js'
import { ObjectDatabase, type IsoFs } from './objects.js'
import { RefStore } from './refs.js'

/**
 * What every part of the git layer shares about one repository: where it is, the fs it goes
 * through, and the object and ref stores. Internal to `src/git`: the store layer holds a
 * `Repository`, which does not hand these out.
 */
export interface RepoCore {
  readonly fs: StoreFs
  /** The working tree. */
  readonly dir: string
  /** `<dir>/.git`. */
  readonly gitdir: string
  /** The fs given to isomorphic-git (atomic `writeFile`). */
  readonly isoFs: IsoFs
  readonly objects: ObjectDatabase
  readonly refs: RefStore
  /** fsync every file before it is renamed into place. */
  readonly sync: boolean
}

/** The shared parts of the repository whose working tree is `dir`. */
export function createCore(fs: StoreFs, dir: string, sync: boolean): RepoCore {
  const gitdir = `${dir}/.git`
  const isoFs = { promises: withAtomicWrites(fs, sync) }
  return { fs, dir, gitdir, isoFs, sync, objects: new ObjectDatabase(fs, gitdir, isoFs, { sync }), refs: new RefStore(fs, gitdir) }
}

/**
 * The fs handed to isomorphic-git: the same, except that `writeFile` is atomic. isomorphic-git
 * writes config, fetched packs and remote-tracking refs in place; through this they can never
 * be torn by a crash.
 */
function withAtomicWrites(fs: StoreFs, sync: boolean): StoreFs {
  const writeFile = (path: unknown, data: unknown) =>
    writeFileAtomic(fs, String(path), typeof data === 'string' ? data : (data as Uint8Array), { mkdir: true, sync })
  return { ...fs, writeFile: writeFile as StoreFs['writeFile'] }
}
