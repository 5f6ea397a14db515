import { fsyncPath, tempPathFor, TEMP_SUFFIX, tempOwnerPid, writeAndSync } from '../io/atomic.js'
import { errnoOf, ioError, isNotFound, type StoreFs } from '../io/fs.js'
import { processAlive } from '../io/lock.js'

/**
 * Creating a repository so that no crash can leave half of one: `.git` is built complete
 * (HEAD, config with the store's own keys, the object and ref folders) in a temp directory
 * beside it and renamed into place, so a process killed at any instant leaves either no `.git`
 * or a whole one. Issue #15 (item 5) found 56 of 80 directories killed during their first open
 * left a `.git` without HEAD that every later command refused.
 * @module
 */

/** What {@link inspectGitDir} found at `<dir>/.git`. */
export type GitDirState =
  /** No `.git` at all. */
  | 'absent'
  /** A git directory with a HEAD. */
  | 'repository'
  /** A `.git` directory with no HEAD, no object and no ref: a crashed init (by an older evogit); nothing in it is worth keeping. */
  | 'unfinished-init'
  /** A `.git` directory without HEAD that holds objects or refs: damaged, and not ours to touch. */
  | 'damaged'
  /** A `.git` file (a worktree or submodule link), or anything else that is not a directory. */
  | 'link'

/** Options of {@link createRepository}. */
export interface CreateRepositoryOptions {
  fs: StoreFs
  /** The working tree; must exist. `.git` is created in it. */
  dir: string
  defaultBranch: string
  /** Extra `section.key` values written into the new config, e.g. `evogit.formatVersion`. */
  config?: Record<string, string>
  /** fsync the new files and directories before the rename that publishes them. */
  sync?: boolean
}

const FOLDERS = ['hooks', 'info', 'objects', 'objects/info', 'objects/pack', 'refs', 'refs/heads', 'refs/tags']

/**
 * Creates `<dir>/.git` atomically. Returns `false`, creating nothing, when another process
 * published its own `.git` first (two first opens racing): the caller opens that one.
 *
 * The config holds what native `git init` writes on this file system (it probes for an
 * executable bit, symlinks and case-folding the same way), not isomorphic-git's
 * `filemode = false` / `ignorecase = true`, which would make native git on Linux ignore mode
 * changes and mis-handle names differing in case.
 */
export async function createRepository(options: CreateRepositoryOptions): Promise<boolean> {
  const { fs, dir, defaultBranch, sync = true } = options
  const gitdir = `${dir}/.git`
  const tmp = tempPathFor(gitdir)
  try {
    await fs.mkdir(tmp)
    for (const folder of FOLDERS) await fs.mkdir(`${tmp}/${folder}`)
    await writeAndSync(fs, `${tmp}/HEAD`, `ref: refs/heads/${defaultBranch}\n`, sync, 'wx')
    await writeAndSync(fs, `${tmp}/config`, configText(await probeCore(fs, tmp), options.config ?? {}), sync, 'wx')
    // A directory's entries are durable once the directory itself is fsynced.
    if (sync) for (const folder of ['objects', 'refs', '.']) await fsyncPath(fs, `${tmp}/${folder}`)
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined)
    throw ioError(err, gitdir, 'initialise git repository in')
  }
  try {
    await fs.rename(tmp, gitdir)
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined)
    // rename(2) onto a non-empty directory: someone else's `.git` won.
    if (errnoOf(err) === 'ENOTEMPTY' || errnoOf(err) === 'EEXIST') return false
    throw ioError(err, gitdir, 'initialise git repository in')
  }
  if (sync) await fsyncPath(fs, dir)
  return true
}

/** Classifies `<dir>/.git` without changing anything. */
export async function inspectGitDir(fs: StoreFs, dir: string): Promise<GitDirState> {
  const gitdir = `${dir}/.git`
  try {
    // stat, not lstat: a `.git` that is a symlink to a git directory has always opened.
    const st = await fs.stat(gitdir)
    if (!st.isDirectory()) return 'link'
  } catch (err) {
    if (isNotFound(err)) return 'absent'
    throw ioError(err, gitdir, 'inspect')
  }
  try {
    if ((await fs.stat(`${gitdir}/HEAD`)).isFile()) return 'repository'
  } catch (err) {
    if (!isNotFound(err)) throw ioError(err, `${gitdir}/HEAD`, 'inspect')
  }
  const holdsFiles = async (rel: string): Promise<boolean> => {
    let entries
    try {
      entries = await fs.readdir(`${gitdir}/${rel}`, { withFileTypes: true })
    } catch (err) {
      if (isNotFound(err)) return false
      throw ioError(err, `${gitdir}/${rel}`, 'inspect')
    }
    for (const e of entries) {
      if (e.isDirectory() ? await holdsFiles(`${rel}/${e.name}`) : !e.name.endsWith(TEMP_SUFFIX)) return true
    }
    return false
  }
  const packedRefs = await fs.stat(`${gitdir}/packed-refs`).then(
    () => true,
    () => false,
  )
  return packedRefs || (await holdsFiles('objects')) || (await holdsFiles('refs')) ? 'damaged' : 'unfinished-init'
}

/** Removes a `.git` that {@link inspectGitDir} called `unfinished-init`: it holds no object and no ref. */
export async function removeUnfinishedInit(fs: StoreFs, dir: string): Promise<void> {
  // Renamed aside first, so a crash mid-removal leaves a temp directory (swept like any other)
  // rather than a `.git` with half its folders.
  const aside = tempPathFor(`${dir}/.git`)
  try {
    await fs.rename(`${dir}/.git`, aside)
    await fs.rm(aside, { recursive: true, force: true })
  } catch (err) {
    throw ioError(err, `${dir}/.git`, 'remove the unfinished repository')
  }
}

/** Whether a directory entry of a store's root is a temp `.git` of {@link createRepository}. */
export function isInitTemp(name: string): boolean {
  return name.startsWith('..git.') && name.endsWith(TEMP_SUFFIX)
}

/**
 * Removes the temp `.git` directories of first opens whose process died (or that are an hour
 * old: a pid may be reused, an init never takes that long). A live one belongs to a concurrent
 * first open and is left alone. Returns the names that remain, without any temp `.git`.
 */
export async function sweepInitTemps(fs: StoreFs, dir: string, names: string[]): Promise<string[]> {
  const rest: string[] = []
  for (const name of names) {
    if (!isInitTemp(name)) {
      rest.push(name)
      continue
    }
    const pid = tempOwnerPid(name)
    let old = false
    try {
      old = Date.now() - (await fs.lstat(`${dir}/${name}`)).mtimeMs > 3_600_000
    } catch (err) {
      if (isNotFound(err)) continue
    }
    if (pid !== null && pid !== process.pid && processAlive(pid) && !old) continue
    if (pid === process.pid && !old) continue
    await fs.rm(`${dir}/${name}`, { recursive: true, force: true }).catch((err: unknown) => {
      throw ioError(err, `${dir}/${name}`, 'remove an abandoned temp repository')
    })
  }
  return rest
}

interface CoreProbe {
  filemode: boolean
  symlinks: boolean
  ignorecase: boolean
}

/** The three file-system traits native `git init` probes for, tried inside the new git directory. */
async function probeCore(fs: StoreFs, gitdir: string): Promise<CoreProbe> {
  const probe = `${gitdir}/config`
  await writeAndSync(fs, probe, '', false, 'wx')
  let filemode = false
  try {
    const before = (await fs.stat(probe)).mode
    await fs.chmod(probe, before ^ 0o100)
    filemode = (await fs.stat(probe)).mode !== before
  } catch {
    filemode = false
  }
  await fs.unlink(probe)
  let symlinks = true
  const link = `${gitdir}/tXXXXXX`
  try {
    await fs.symlink('testing', link)
    await fs.unlink(link)
  } catch {
    symlinks = false
  }
  // HEAD is already there; found under another case, the file system folds case.
  let ignorecase = false
  try {
    await fs.lstat(`${gitdir}/hEaD`)
    ignorecase = true
  } catch {
    ignorecase = false
  }
  return { filemode, symlinks, ignorecase }
}

/** A config file as native git writes it: the core section in git's order, then ours. */
function configText(core: CoreProbe, extra: Record<string, string>): string {
  const lines = ['[core]', '\trepositoryformatversion = 0', `\tfilemode = ${core.filemode}`, '\tbare = false', '\tlogallrefupdates = true']
  if (!core.symlinks) lines.push('\tsymlinks = false')
  if (core.ignorecase) lines.push('\tignorecase = true')
  const sections = new Map<string, string[]>()
  for (const [path, value] of Object.entries(extra)) {
    const dot = path.lastIndexOf('.')
    if (dot <= 0 || /[\n\r"\\]/.test(value) || !/^[A-Za-z][A-Za-z0-9-]*$/.test(path.slice(dot + 1)) || !/^[A-Za-z0-9.-]+$/.test(path.slice(0, dot))) {
      throw new TypeError(`config key ${path} = ${value} cannot be written as a plain git config line`)
    }
    const section = path.slice(0, dot)
    sections.set(section, [...(sections.get(section) ?? []), `\t${path.slice(dot + 1)} = ${value}`])
  }
  for (const [section, entries] of sections) lines.push(`[${section}]`, ...entries)
  return `${lines.join('\n')}\n`
}

/** True when `dir/.git` is a git directory (its `HEAD` is a file). */
export async function gitDirExists(fs: StoreFs, dir: string): Promise<boolean> {
  try {
    const st = await fs.stat(`${dir}/.git/HEAD`)
    return st.isFile()
  } catch (err) {
    if (isNotFound(err)) return false
    throw ioError(err, `${dir}/.git`, 'inspect')
  }
}
