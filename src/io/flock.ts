import { readFile, stat } from 'node:fs/promises'

/**
 * Whether some process holds a `flock`/`fcntl` lock on `path`, read from Linux's `/proc/locks`
 * (Python's `filelock` takes an `fcntl.flock` on `gen_<n>.json.lock` while it writes). Node has
 * no flock call; /proc/locks lists every lock with its file's device and inode. `null` when it
 * cannot tell (not Linux, or the file is gone), so callers fall back to waiting for stable content.
 */
export async function isFileLocked(path: string): Promise<boolean | null> {
  let ino: bigint
  let dev: bigint
  try {
    const st = await stat(path, { bigint: true })
    ino = st.ino
    dev = st.dev
  } catch {
    return null
  }
  let table: string
  try {
    table = await readFile('/proc/locks', 'utf8')
  } catch {
    return null
  }
  // Linux's dev_t encoding: major in bits 8–19 and 32+, minor in bits 0–7 and 12–31.
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn)
  for (const line of table.split('\n')) {
    // "1: FLOCK  ADVISORY  WRITE 1234 08:01:56789 0 EOF" (a "->" marks a waiter, which holds nothing)
    const m = /^\d+:\s+(?!->)\S+\s+\S+\s+\S+\s+\d+\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line)
    if (!m) continue
    if (BigInt(m[3]!) === ino && BigInt(`0x${m[1]!}`) === major && BigInt(`0x${m[2]!}`) === minor) return true
  }
  return false
}
