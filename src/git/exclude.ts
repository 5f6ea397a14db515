import { writeFileAtomic } from '../io/atomic.js'
import { readFileOrNull } from '../io/fs.js'
import { repoCore, type Repository } from './repository.js'

/**
 * What no store should ever show in `git status`: the `.lock` files the newest original
 * PersonaStore's `filelock` leaves beside every generation, and evogit's own temp files
 * (`.<name>.<pid>.<hex>.evogit-tmp`) while a write is under way or after a crash.
 */
export const STORE_EXCLUDES = ['gen_*.json.lock', '*.evogit-tmp'] as const

/**
 * Adds {@link STORE_EXCLUDES} to `.git/info/exclude`, keeping what is there. The exclude file,
 * not a committed `.gitignore`: it changes no tree and no history (a `.gitignore` would be a
 * non-generation file in every store, committed without a generation), it is git's own place
 * for the leftovers of tools run in one clone, and since every open adds what is missing, a
 * clone gets it the first time evogit opens it. Costs one small read when nothing is missing.
 */
export async function ensureStoreExcludes(repo: Repository): Promise<void> {
  const core = repoCore(repo)
  const path = `${core.gitdir}/info/exclude`
  const current = (await readFileOrNull(core.fs, path))?.toString('utf8') ?? ''
  const lines = new Set(current.split('\n').map((l) => l.trim()))
  const missing = STORE_EXCLUDES.filter((p) => !lines.has(p))
  if (missing.length === 0) return
  // A process killed while writing the exclude file leaves its temp file in .git/info, where no
  // other repair looks, and the file without our lines: so the next open lands here and clears it.
  await removeStaleExcludeTemps(core.fs, `${core.gitdir}/info`)
  const prefix = current === '' || current.endsWith('\n') ? current : `${current}\n`
  await writeFileAtomic(core.fs, path, `${prefix}# evogit: the original store's filelock files and evogit's temp files\n${missing.join('\n')}\n`, { mkdir: true, sync: core.sync })
}

async function removeStaleExcludeTemps(fs: ReturnType<typeof repoCore>['fs'], dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    const pid = /^\.exclude\.(\d+)\.[0-9a-f]+\.evogit-tmp$/.exec(name)?.[1]
    if (pid === undefined || pid === String(process.pid) || alive(Number(pid))) continue
    await fs.unlink(`${dir}/${name}`).catch(() => undefined)
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
