/**
 * Finding what a killed process can leave in a store: our own temp files (in the work tree and
 * the places in `.git` we write through temp files) and git's lock files. Only finding lives
 * here; whether a leftover is ours to remove is decided in `leftovers.ts`.
 */
import type { Dirent } from 'node:fs'
import { TEMP_SUFFIX } from '../io/atomic.js'
import { ioError, isNotFound, type StoreFs } from '../io/fs.js'

/** `.gen_3.json.1234.0a1b2c3d.evogit-tmp` in `dir/` → `dir/gen_3.json`. */
export function targetOfTemp(tmp: string): string {
  const slash = tmp.lastIndexOf('/')
  const name = tmp.slice(slash + 1)
  return tmp.slice(0, slash + 1) + name.slice(1).replace(/\.\d+\.[0-9a-f]{8}\.evogit-tmp$/, '')
}

/**
 * Our temp files below `rel` (store-relative, `''` for the root), without following symlinks.
 * In `.git` only the places we write through temp files are searched: objects, the top level
 * and `.git/evogit`.
 */
export async function findTempFiles(fs: StoreFs, dir: string, rel: string, top: boolean): Promise<string[]> {
  const found: string[] = []
  let entries: Dirent[]
  try {
    entries = await fs.readdir(rel === '' ? dir : `${dir}/${rel}`, { withFileTypes: true })
  } catch (err) {
    if (isNotFound(err)) return found
    throw ioError(err, `${dir}/${rel}`, 'list')
  }
  for (const entry of entries) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`
    if (entry.isFile() && entry.name.endsWith(TEMP_SUFFIX)) found.push(path)
    else if (entry.isDirectory()) {
      if (top && entry.name === '.git') found.push(...(await findGitTempFiles(fs, dir)))
      else found.push(...(await findTempFiles(fs, dir, path, false)))
    }
  }
  return found
}

async function findGitTempFiles(fs: StoreFs, dir: string): Promise<string[]> {
  const found: string[] = []
  const list = async (rel: string): Promise<string[]> => {
    try {
      return await fs.readdir(`${dir}/${rel}`)
    } catch (err) {
      if (isNotFound(err)) return []
      throw ioError(err, `${dir}/${rel}`, 'list')
    }
  }
  for (const rel of ['.git', '.git/evogit']) for (const name of await list(rel)) if (name.endsWith(TEMP_SUFFIX)) found.push(`${rel}/${name}`)
  for (const fanout of await list('.git/objects')) {
    if (!/^[0-9a-f]{2}$/.test(fanout)) continue
    for (const name of await list(`.git/objects/${fanout}`)) if (name.endsWith(TEMP_SUFFIX)) found.push(`.git/objects/${fanout}/${name}`)
  }
  // Refs too (a fetch killed while isomorphic-git wrote refs/remotes/<r>/HEAD left one there).
  const walkRefs = async (rel: string): Promise<void> => {
    for (const name of await list(rel)) {
      if (name.endsWith(TEMP_SUFFIX)) found.push(`${rel}/${name}`)
      else if ((await fs.stat(`${dir}/${rel}/${name}`).catch(() => null))?.isDirectory()) await walkRefs(`${rel}/${name}`)
    }
  }
  await walkRefs('.git/refs')
  return found
}

/** git's lock files: fixed names at the top of `.git`, plus any `*.lock` under `refs/`. */
export async function findGitLocks(fs: StoreFs, gitdir: string): Promise<string[]> {
  const found: string[] = []
  for (const name of ['HEAD.lock', 'index.lock', 'packed-refs.lock', 'config.lock', 'shallow.lock']) {
    try {
      await fs.stat(`${gitdir}/${name}`)
      found.push(name)
    } catch (err) {
      if (!isNotFound(err)) throw ioError(err, `${gitdir}/${name}`, 'stat')
    }
  }
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[]
    try {
      entries = await fs.readdir(`${gitdir}/${rel}`, { withFileTypes: true })
    } catch (err) {
      if (isNotFound(err)) return
      throw ioError(err, `${gitdir}/${rel}`, 'list')
    }
    for (const e of entries) {
      if (e.isDirectory()) await walk(`${rel}/${e.name}`)
      else if (e.isFile() && e.name.endsWith('.lock')) found.push(`${rel}/${e.name}`)
    }
  }
  await walk('refs')
  return found
}
