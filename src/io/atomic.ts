import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { errnoOf, ioError, type StoreFs } from './fs.js'

/** Every temp file we create ends with this, so repair can recognise (and only remove) our own leftovers. */
export const TEMP_SUFFIX = '.evogit-tmp'

/** `.<name>.<pid>.<random>.evogit-tmp` beside the target: same directory, so the rename is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`)
}

/** The pid encoded in one of our temp names, so repair only removes temp files of dead processes. */
export function tempOwnerPid(name: string): number | null {
  if (!name.endsWith(TEMP_SUFFIX)) return null
  const match = /\.(\d+)\.[0-9a-f]{8}\.evogit-tmp$/.exec(name)
  return match?.[1] ? Number(match[1]) : null
}

/**
 * Writes `data` to `path` so that readers and crash survivors see either the old file or the new
 * one, never a torn mix: temp file in the same directory, fsync, then rename over the target.
 * isomorphic-git writes refs, objects and the index in place, which is why the store does not
 * let it write those files itself.
 */
export async function writeFileAtomic(
  fs: StoreFs,
  path: string,
  data: Uint8Array | string,
  options: { mkdir?: boolean; sync?: boolean } = {},
): Promise<void> {
  const tmp = tempPathFor(path)
  try {
    await writeAndSync(fs, tmp, data, options.sync ?? true, 'wx')
  } catch (err) {
    if (options.mkdir && errnoOf(err) === 'ENOENT') {
      await mkdirp(fs, dirname(path))
      await writeAndSync(fs, tmp, data, options.sync ?? true, 'wx').catch(async (again: unknown) => {
        await fs.unlink(tmp).catch(() => undefined)
        throw ioError(again, path, 'write')
      })
    } else {
      await fs.unlink(tmp).catch(() => undefined)
      throw ioError(err, path, 'write')
    }
  }
  try {
    await fs.rename(tmp, path)
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined)
    throw ioError(err, path, 'rename into place')
  }
}

/** Writes and fsyncs an exclusive new file; the caller renames it. Removes nothing on failure. */
export async function writeAndSync(fs: StoreFs, path: string, data: Uint8Array | string, sync: boolean, flag: 'wx' | 'w'): Promise<void> {
  const handle = await fs.open(path, flag, 0o644)
  try {
    await handle.writeFile(data)
    if (sync) await handle.sync()
  } finally {
    await handle.close()
  }
}

/** `mkdir -p`, as a typed error on failure. */
export async function mkdirp(fs: StoreFs, dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true })
  } catch (err) {
    throw ioError(err, dir, 'create directory')
  }
}

/** Makes an already written file durable: open, fsync, close. */
export async function fsyncPath(fs: StoreFs, path: string): Promise<void> {
  let handle
  try {
    handle = await fs.open(path, 'r')
    await handle.sync()
  } catch (err) {
    throw ioError(err, path, 'fsync')
  } finally {
    await handle?.close()
  }
}
