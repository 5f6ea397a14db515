import { createHash } from 'node:crypto'
import type { BigIntStats } from 'node:fs'
import { compareBytes } from './format.js'

/**
 * One entry of `.git/index` (version 2). The stat fields let native git skip re-hashing files
 * we wrote; zeroed stat fields are also valid and just make git look at the content.
 */
export interface IndexEntry {
  readonly path: string
  readonly oid: string
  readonly mode: number
  readonly size: number
  readonly ctimeSec: number
  readonly ctimeNsec: number
  readonly mtimeSec: number
  readonly mtimeNsec: number
  readonly dev: number
  readonly ino: number
  readonly uid: number
  readonly gid: number
}

const entryBytes = new WeakMap<IndexEntry, Buffer>()

/** An entry with the stat data of a file we just wrote. */
export function entryFromStat(path: string, oid: string, st: BigIntStats): IndexEntry {
  const u32 = (v: bigint) => Number(v & 0xffffffffn)
  return {
    path,
    oid,
    mode: 0o100644,
    size: u32(st.size),
    ctimeSec: u32(st.ctimeNs / 1_000_000_000n),
    ctimeNsec: Number(st.ctimeNs % 1_000_000_000n),
    mtimeSec: u32(st.mtimeNs / 1_000_000_000n),
    mtimeNsec: Number(st.mtimeNs % 1_000_000_000n),
    dev: u32(st.dev),
    ino: u32(st.ino),
    uid: u32(st.uid),
    gid: u32(st.gid),
  }
}

/** An entry with no stat data: git will compare the file's content before calling it clean. */
export function entryWithoutStat(path: string, oid: string, mode = 0o100644): IndexEntry {
  return { path, oid, mode, size: 0, ctimeSec: 0, ctimeNsec: 0, mtimeSec: 0, mtimeNsec: 0, dev: 0, ino: 0, uid: 0, gid: 0 }
}

/** Orders entries the way git requires: by path bytes. */
export function compareIndexEntries(a: IndexEntry, b: IndexEntry): number {
  return compareBytes(a.path, b.path)
}

function encodeEntry(e: IndexEntry): Buffer {
  let cached = entryBytes.get(e)
  if (cached) return cached
  const name = Buffer.from(e.path)
  // 62 bytes of fixed fields, the name, then 1 to 8 NULs so the entry length is a multiple of 8.
  const length = Math.ceil((62 + name.length + 1) / 8) * 8
  const buf = Buffer.alloc(length)
  const fields = [e.ctimeSec, e.ctimeNsec, e.mtimeSec, e.mtimeNsec, e.dev, e.ino, e.mode, e.uid, e.gid, e.size]
  for (let i = 0; i < fields.length; i++) buf.writeUInt32BE(fields[i]! >>> 0, i * 4)
  buf.write(e.oid, 40, 'hex')
  buf.writeUInt16BE(Math.min(name.length, 0xfff), 60)
  name.copy(buf, 62)
  entryBytes.set(e, buf)
  cached = buf
  return cached
}

/** Serialises sorted entries as an index version 2 file, checksum included. */
export function encodeIndex(entries: readonly IndexEntry[]): Buffer {
  const header = Buffer.alloc(12)
  header.write('DIRC', 0, 'latin1')
  header.writeUInt32BE(2, 4)
  header.writeUInt32BE(entries.length, 8)
  const parts: Buffer[] = [header]
  let length = 12
  for (const e of entries) {
    const b = encodeEntry(e)
    parts.push(b)
    length += b.length
  }
  const body = Buffer.concat(parts, length)
  const digest = createHash('sha1').update(body).digest()
  return Buffer.concat([body, digest], length + 20)
}

/**
 * Parses an index of version 2 or 3 (what git writes by default). Returns `null` for anything
 * else, including version 4 and damaged files: the caller then rebuilds the index from HEAD.
 */
export function decodeIndex(buf: Buffer): IndexEntry[] | null {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return null
  const version = buf.readUInt32BE(4)
  if (version !== 2 && version !== 3) return null
  const expected = createHash('sha1').update(buf.subarray(0, buf.length - 20)).digest()
  if (!expected.equals(buf.subarray(buf.length - 20))) return null
  const count = buf.readUInt32BE(8)
  const out: IndexEntry[] = []
  let off = 12
  for (let i = 0; i < count; i++) {
    if (off + 62 > buf.length - 20) return null
    const flags = buf.readUInt16BE(off + 60)
    const extended = (flags & 0x4000) !== 0
    const stage = (flags >> 12) & 0x3
    const nameStart = off + 62 + (extended ? 2 : 0)
    const nul = buf.indexOf(0, nameStart)
    if (nul < 0) return null
    const entry: IndexEntry = {
      ctimeSec: buf.readUInt32BE(off),
      ctimeNsec: buf.readUInt32BE(off + 4),
      mtimeSec: buf.readUInt32BE(off + 8),
      mtimeNsec: buf.readUInt32BE(off + 12),
      dev: buf.readUInt32BE(off + 16),
      ino: buf.readUInt32BE(off + 20),
      mode: buf.readUInt32BE(off + 24),
      uid: buf.readUInt32BE(off + 28),
      gid: buf.readUInt32BE(off + 32),
      size: buf.readUInt32BE(off + 36),
      oid: buf.toString('hex', off + 40, off + 60),
      path: buf.toString('utf8', nameStart, nul),
    }
    // Conflict stages only exist mid-merge; we never write them, and a rebuild drops them.
    if (stage !== 0) return null
    out.push(entry)
    off = off + Math.ceil((nameStart - off + (nul - nameStart) + 1) / 8) * 8
  }
  return out
}
