/** Small measuring helpers shared by the benchmark and its child processes. */
import { execFile as execFileCb } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

export const execFile = promisify(execFileCb)

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Milliseconds taken by `fn`. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

/** The apparent size (sum of file lengths) and the allocated size (disk blocks) of everything under `dir`. */
export async function treeSize(dir: string): Promise<{ bytes: number; allocated: number; files: number }> {
  let bytes = 0
  let allocated = 0
  let files = 0
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile()) {
        const st = await stat(path)
        bytes += st.size
        allocated += st.blocks * 512
        files++
      }
    }
  }
  await walk(dir)
  return { bytes, allocated, files }
}

/** Environment for native git that ignores the user's and the system's configuration. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: home,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@localhost',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@localhost',
  }
}
