import * as nodeFs from 'node:fs/promises'
import { StoreIOError } from '../errors/index.js'

/**
 * The file-system functions evogit's own file calls use: a subset of `node:fs/promises`. A
 * wrapper that fails on purpose over the real disk (`openStore({ faultFs })`: a full disk, a
 * read-only store) is how the store is tested against I/O failures. It is not a virtual file
 * system: native git and the cross-process write lock act on the real files.
 */
export type StoreFs = Pick<
  typeof nodeFs,
  | 'readFile'
  | 'writeFile'
  | 'open'
  | 'rename'
  | 'unlink'
  | 'mkdir'
  | 'readdir'
  | 'stat'
  | 'lstat'
  | 'rm'
  | 'rmdir'
  | 'readlink'
  | 'symlink'
  | 'chmod'
  | 'utimes'
>

/** The real file system. */
export const nodeStoreFs: StoreFs = nodeFs

/** The errno code of a Node system error, or `undefined`. */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined
}

/** True when `err` says the path does not exist. */
export function isNotFound(err: unknown): boolean {
  const code = errnoOf(err)
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/** Wraps a raw fs failure in a typed {@link StoreIOError} naming the path; typed errors pass through. */
export function ioError(err: unknown, path: string, action: string): Error {
  if (err instanceof StoreIOError) return err
  if (err instanceof Error && 'category' in err) return err
  const errno = errnoOf(err)
  const syscall = typeof err === 'object' && err !== null && 'syscall' in err ? String(err.syscall) : undefined
  const hint =
    errno === 'ENOSPC' ? ' (the disk is full)' : errno === 'EROFS' ? ' (the file system is read-only)' : errno === 'EACCES' || errno === 'EPERM' ? ' (permission denied)' : ''
  return new StoreIOError(
    `could not ${action} ${path}${hint}: ${err instanceof Error ? err.message : String(err)}`,
    { path, ...(syscall === undefined ? {} : { syscall }), ...(errno === undefined ? {} : { errno }) },
    { cause: err },
  )
}

/** Reads a file, or returns `null` when it does not exist (as lowdb does): absence is not an error. */
export async function readFileOrNull(fs: StoreFs, path: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(path)
  } catch (err) {
    if (isNotFound(err)) return null
    throw ioError(err, path, 'read')
  }
}
