/**
 * The read path of loose objects: one small file read without the thread pool, inflated with an
 * output chunk sized to it, and its `type size\0` header checked. Kept apart from
 * `ObjectDatabase`, which decides where an object is read from (packs first, then loose).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { inflateSync } from 'node:zlib'
import type { GitObject, ObjectType } from './object-types.js'

/** A loose object's content and type, from its compressed file bytes; throws when they are damaged. */
export function inflateLoose(raw: Buffer, oid: string): GitObject {
  return parseLoose(inflateSync(raw, { chunkSize: inflateChunkSize(raw.length) }), oid)
}

/**
 * zlib's output chunk for an object of `compressed` bytes: about four times its size, at least
 * 1 KiB and at most 64 KiB. The default (16 KiB) makes inflating a commit of a few hundred bytes
 * twice as slow as it need be, which a walk of ten thousand commits feels; big blobs get fewer,
 * larger chunks.
 */
export function inflateChunkSize(compressed: number): number {
  return Math.min(64 << 10, Math.max(1024, 2 ** Math.ceil(Math.log2(compressed * 4))))
}

/** Shared by every synchronous loose read; what is read is copied out before anything else runs. */
const scratch = Buffer.allocUnsafe(64 << 10)

/**
 * A file's bytes, read with one open, one read and one close: commits, trees and sidecars fit in
 * {@link scratch}, so the fstat and the fresh buffer `readFileSync` spends on each are saved (a
 * walk of ten thousand commits pays them ten thousand times). Larger files take `readFileSync`.
 */
export function readSmallFileSync(path: string): Buffer {
  const fd = openSync(path, 'r')
  let length = 0
  try {
    for (let n = -1; n !== 0 && length < scratch.length; length += n) n = readSync(fd, scratch, length, scratch.length - length, length)
  } finally {
    closeSync(fd)
  }
  return length < scratch.length ? Buffer.from(scratch.subarray(0, length)) : readFileSync(path)
}

function parseLoose(inflated: Buffer, oid: string): GitObject {
  const nul = inflated.indexOf(0)
  const space = inflated.indexOf(0x20)
  if (nul < 0 || space < 0 || space > nul) throw new Error(`object ${oid} has no header`)
  const type = inflated.toString('latin1', 0, space) as ObjectType
  const size = Number(inflated.toString('latin1', space + 1, nul))
  const content = inflated.subarray(nul + 1)
  if (content.length !== size) throw new Error(`object ${oid} is truncated (${content.length} of ${size} bytes)`)
  return { type, content }
}
