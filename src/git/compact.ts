import { execFile as execFileCb, spawn } from 'node:child_process'
import { setPriority } from 'node:os'
import { promisify } from 'node:util'
import { ioError, isNotFound, type StoreFs } from '../io/fs.js'
import { withDeltaNames } from './delta-names.js'

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
 * Packs every reachable object with a real delta search, in two git steps, both through
 * `execFile`/`spawn` with argument arrays (no shell ever sees a path):
 *
 * 1. `git pack-objects` over `git rev-list --objects --all` (plus reflogs and the index), with
 *    each path renamed by {@link withDeltaNames} so that git's candidate order puts every
 *    generation between its neighbours, the best delta bases; a default-sized window then finds
 *    them. This only adds a pack; nothing is deleted.
 * 2. `git repack -a -d` (without `-f`, so those deltas are reused): git itself decides what is
 *    reachable, writes the final packs and deletes the old packs and loose objects.
 *
 * On 1000 generations of 100 personas this packs to about 4% of the raw JSON, against 6% for a
 * plain `git repack -a -d -f` with the same window.
 */
export async function repack(options: RepackOptions): Promise<void> {
  const base = [`--git-dir=${options.gitdir}`]
  const env = { ...process.env, GIT_DIR: options.gitdir }
  try {
    const { stdout } = await execFile(options.gitBinary, [...base, 'rev-list', '--objects', '--all', '--reflog', '--indexed-objects'], {
      windowsHide: true,
      maxBuffer: 1 << 30,
      env,
    })
    const list = withDeltaNames(stdout)
    await run(options.gitBinary, [...base, 'pack-objects', '-q', '--delta-base-offset', `--window=${options.window}`, `--depth=${options.depth}`, `--max-pack-size=${options.maxPackSize}`, `${options.gitdir}/objects/pack/pack`], list, env)
    await execFile(options.gitBinary, [...base, 'repack', '-a', '-d', '-q', `--max-pack-size=${options.maxPackSize}`], { windowsHide: true, maxBuffer: 16 << 20, env })
  } catch (err) {
    const raw = (err as { stderr?: unknown }).stderr
    const stderr = typeof raw === 'string' ? raw.trim() : Buffer.isBuffer(raw) ? raw.toString('utf8').trim() : ''
    throw ioError(Object.assign(new Error(`git repack failed${stderr ? `: ${stderr}` : ''}`), { cause: err }), options.gitdir, 'repack')
  }
}

/** What {@link packNew} and {@link rollUpPacks} run git with. */
export interface IncrementalOptions {
  gitBinary: string
  gitdir: string
  window: number
  depth: number
  /** Tips packed by the previous compaction: everything they reach is in a pack already. */
  since: readonly string[]
  /** Run git at the lowest CPU priority with one thread (a compaction in the background of saves). */
  background?: boolean
}

/** The ref tips (and a detached HEAD) right now, which the next incremental compaction starts from. */
export async function currentTips(gitBinary: string, gitdir: string): Promise<string[]> {
  const env = { ...process.env, GIT_DIR: gitdir }
  const { stdout } = await execFile(gitBinary, [`--git-dir=${gitdir}`, 'for-each-ref', '--format=%(objectname)'], { windowsHide: true, maxBuffer: 64 << 20, env })
  const head = await execFile(gitBinary, [`--git-dir=${gitdir}`, 'rev-parse', '--verify', '-q', 'HEAD'], { windowsHide: true, env }).then(
    (r) => r.stdout.trim(),
    () => '',
  )
  return [...new Set([...stdout.split('\n'), head].filter((l) => /^[0-9a-f]{40}$/.test(l)))]
}

/**
 * Packs what is new since `since` into one pack, with the same delta names as {@link repack}
 * so each new generation finds its predecessor as a delta base. Only adds a pack; deletes
 * nothing, so it runs without the store's write lock. The time is proportional to the new
 * commits and the objects they add, not to the history. Returns false when there was nothing new.
 */
export async function packNew(options: IncrementalOptions): Promise<boolean> {
  const base = [`--git-dir=${options.gitdir}`]
  const env = { ...process.env, GIT_DIR: options.gitdir }
  try {
    const { stdout } = await execFile(options.gitBinary, [...base, 'rev-list', '--objects', '--all', '--reflog', '--indexed-objects', '--not', ...options.since], { windowsHide: true, maxBuffer: 1 << 30, env })
    const list = withDeltaNames(stdout)
    if (list.trim() === '') return false
    const threads = options.background ? ['--threads=1'] : []
    await run(options.gitBinary, [...base, 'pack-objects', '-q', '--delta-base-offset', ...threads, `--window=${options.window}`, `--depth=${options.depth}`, `${options.gitdir}/objects/pack/pack`], list, env, options.background)
    return true
  } catch (err) {
    throw gitFailure(err, options.gitdir)
  }
}

/** A pack on disk: its base name (`pack-<hash>`) and object count. */
export interface PackInfo {
  name: string
  objects: number
}

/** The store's packs, with their object counts (from the `.idx` fan-out table), largest first. */
export async function listPacks(fs: StoreFs, gitdir: string): Promise<PackInfo[]> {
  const dir = `${gitdir}/objects/pack`
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch (err) {
    if (isNotFound(err)) return []
    throw ioError(err, dir, 'list')
  }
  const out: PackInfo[] = []
  for (const name of names.filter((n) => /^pack-[0-9a-f]+\.pack$/.test(n))) {
    const idx = `${dir}/${name.slice(0, -5)}.idx`
    try {
      const handle = await fs.open(idx, 'r')
      try {
        const buf = Buffer.alloc(4)
        // Version 2 index: 8-byte header, then 256 cumulative counts; the last is the total.
        await handle.read(buf, 0, 4, 8 + 255 * 4)
        out.push({ name: name.slice(0, -5), objects: buf.readUInt32BE(0) })
      } finally {
        await handle.close()
      }
    } catch {
      // A pack without a readable index is being written (or broken): leave it alone.
    }
  }
  return out.sort((a, b) => b.objects - a.objects)
}

/**
 * The packs a geometric roll-up merges (as `git repack --geometric=2` chooses them): the
 * smallest packs, up to the first one that holds at least twice as many objects as all smaller
 * ones together. Empty when the packs already form such a progression.
 */
export function packsToRollUp(packs: readonly PackInfo[], factor = 2): PackInfo[] {
  const ascending = [...packs].sort((a, b) => a.objects - b.objects)
  let split = 0
  let total = 0
  for (let i = 0; i < ascending.length; i++) {
    if (i > 0 && ascending[i]!.objects < factor * total) split = i + 1
    total += ascending[i]!.objects
  }
  return split >= 2 ? ascending.slice(0, split) : []
}

/**
 * Merges `packs` into one new pack with every object they hold (`git pack-objects
 * --stdin-packs`: reachable or not, so nothing is dropped), reusing their deltas. Only adds a
 * pack; the caller deletes the merged ones afterwards, under the write lock — except the one
 * whose name is returned: a pack is named by its objects, so when the merge holds exactly the
 * objects of one input, git names it the same and that file *is* the result.
 */
export async function mergePacks(gitBinary: string, gitdir: string, packs: readonly PackInfo[], background = false): Promise<string> {
  const env = { ...process.env, GIT_DIR: gitdir }
  try {
    const threads = background ? ['--threads=1'] : []
    const stdout = await run(gitBinary, [`--git-dir=${gitdir}`, 'pack-objects', '-q', '--stdin-packs', ...threads, `${gitdir}/objects/pack/pack`], packs.map((p) => `${p.name}.pack`).join('\n') + '\n', env, background)
    const hash = stdout.trim().split('\n').at(-1) ?? ''
    if (!/^[0-9a-f]{40,64}$/.test(hash)) throw new Error(`git pack-objects printed no pack name (${JSON.stringify(stdout.slice(0, 80))})`)
    return `pack-${hash}`
  } catch (err) {
    throw gitFailure(err, gitdir)
  }
}

/** Deletes a pack whose objects are all in another pack now (index first, so no reader finds a pack without one). */
export async function removePack(fs: StoreFs, gitdir: string, name: string): Promise<void> {
  for (const ext of ['.idx', '.rev', '.bitmap', '.pack']) {
    await fs.unlink(`${gitdir}/objects/pack/${name}${ext}`).catch((err: unknown) => {
      if (!isNotFound(err)) throw ioError(err, `${gitdir}/objects/pack/${name}${ext}`, 'remove')
    })
  }
}

/** `git prune-packed`: removes loose objects that a pack holds too. Call under the write lock (a save may be rewriting one). */
export async function prunePacked(gitBinary: string, gitdir: string): Promise<void> {
  try {
    await execFile(gitBinary, [`--git-dir=${gitdir}`, 'prune-packed', '-q'], { windowsHide: true, env: { ...process.env, GIT_DIR: gitdir } })
  } catch (err) {
    throw gitFailure(err, gitdir)
  }
}

function gitFailure(err: unknown, gitdir: string): Error {
  const raw = (err as { stderr?: unknown }).stderr
  const stderr = typeof raw === 'string' ? raw.trim() : Buffer.isBuffer(raw) ? raw.toString('utf8').trim() : ''
  return ioError(Object.assign(new Error(`git repack failed${stderr ? `: ${stderr}` : ''}`), { cause: err }), gitdir, 'repack')
}

/**
 * Runs a git command with `input` on stdin (execFile cannot feed stdin); rejects on a non-zero
 * exit. With `background`, at the lowest CPU priority, so the saves it runs beside come first.
 */
function run(binary: string, args: string[], input: string, env: NodeJS.ProcessEnv, background = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] })
    if (background && child.pid !== undefined) {
      try {
        setPriority(child.pid, 19)
      } catch {
        // Not permitted here (some sandboxes): it runs at normal priority, as before.
      }
    }
    let stderr = ''
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(Object.assign(new Error(`${args.find((a) => !a.startsWith('--')) ?? 'git'} exited with ${code}`), { stderr }))))
    child.stdin.on('error', reject)
    child.stdin.end(input)
  })
}
