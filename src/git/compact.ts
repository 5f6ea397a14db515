import { execFile as execFileCb } from 'node:child_process'
import { promisify } from 'node:util'
import { ioError, isNotFound, type StoreFs } from '../io/fs.js'

const execFile = promisify(execFileCb)

/** How much room the object database takes. */
export interface ObjectStoreSize {
  /** Apparent size (sum of file lengths) of everything under `.git/objects`. */
  bytes: number
  /** Loose object files. */
  looseObjects: number
  /** Pack files (`.pack`). */
  packs: number
}

/** Sums the files under `.git/objects`. */
export async function objectStoreSize(fs: StoreFs, gitdir: string): Promise<ObjectStoreSize> {
  const out: ObjectStoreSize = { bytes: 0, looseObjects: 0, packs: 0 }
  const root = `${gitdir}/objects`
  const walk = async (dir: string, depth: number): Promise<void> => {
    let names: string[]
    try {
      names = await fs.readdir(dir)
    } catch (err) {
      if (isNotFound(err)) return
      throw ioError(err, dir, 'list')
    }
    for (const name of names) {
      const path = `${dir}/${name}`
      const st = await fs.lstat(path).catch((err: unknown) => {
        if (isNotFound(err)) return null
        throw ioError(err, path, 'stat')
      })
      if (!st) continue
      if (st.isDirectory()) await walk(path, depth + 1)
      else if (st.isFile()) {
        out.bytes += st.size
        if (depth === 1 && /^[0-9a-f]{38}$/.test(name)) out.looseObjects++
        if (name.endsWith('.pack')) out.packs++
      }
    }
  }
  await walk(root, 0)
  return out
}

/** The native git found on this machine, or `null` with the reason. */
export async function nativeGitVersion(gitBinary: string): Promise<{ version: string } | { version: null; reason: string }> {
  try {
    const { stdout } = await execFile(gitBinary, ['--version'], { windowsHide: true })
    return { version: stdout.trim() }
  } catch (err) {
    const code = (err as { code?: unknown }).code
    return { version: null, reason: code === 'ENOENT' ? `\`${gitBinary}\` was not found` : `\`${gitBinary} --version\` failed: ${(err as Error).message}` }
  }
}

/** What {@link repack} runs git with. */
export interface RepackOptions {
  gitBinary: string
  gitdir: string
  /** Objects compared with each one in the delta search (`--window`). */
  window: number
  /** Longest delta chain (`--depth`); longer chains pack smaller but read slower. */
  depth: number
  /** Bytes per pack (`--max-pack-size`); isomorphic-git cannot read packs of 2 GiB or more. */
  maxPackSize: number
}

/**
 * Packs every reachable object into new packs with a fresh delta search (`-f`: deltas already in
 * old packs are recomputed, since isomorphic-git writes none and plain `git gc` would reuse that
 * absence) and deletes the old packs and the now redundant loose objects (`-d`). Arguments go to
 * `execFile` as an array: no shell ever sees a path.
 */
export async function repack(options: RepackOptions): Promise<void> {
  const args = [
    `--git-dir=${options.gitdir}`,
    'repack',
    '-a',
    '-d',
    '-f',
    '-q',
    `--window=${options.window}`,
    `--depth=${options.depth}`,
    `--max-pack-size=${options.maxPackSize}`,
  ]
  try {
    await execFile(options.gitBinary, args, { windowsHide: true, maxBuffer: 16 << 20, env: { ...process.env, GIT_DIR: options.gitdir } })
  } catch (err) {
    const raw = (err as { stderr?: unknown }).stderr
    const stderr = typeof raw === 'string' ? raw.trim() : Buffer.isBuffer(raw) ? raw.toString('utf8').trim() : ''
    throw ioError(Object.assign(new Error(`git repack failed${stderr ? `: ${stderr}` : ''}`), { cause: err }), options.gitdir, 'repack')
  }
}
