import { createHash } from 'node:crypto'
import type { BigIntStats } from 'node:fs'
import { compareBytes } from './format.js'
import { parseLink, type LinkExtension } from './split-link.js'

/**
 * One entry of `.git/index`. The stat fields let native git skip re-hashing files we wrote;
 * zeroed stat fields are also valid and just make git look at the content. The flags evogit does
 * not interpret are kept as read, so rewriting the index never changes what the user asked git
 * for (`update-index --assume-unchanged`, `--skip-worktree`, `add -N`).
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
  /** The assume-valid bit (0x8000, `--assume-unchanged`) of the entry's flags; 0 or absent when unset. */
  readonly assumeValid?: number
  /** The version 3 extended flags: skip-worktree (0x4000), intent-to-add (0x2000); 0 or absent when none. */
  readonly extendedFlags?: number
}

/** The assume-valid bit of an entry's 16-bit flags. */
export const ASSUME_VALID = 0x8000
const EXTENDED = 0x4000
/** Extended flags: `--skip-worktree` and `add -N`. */
export const SKIP_WORKTREE = 0x4000
export const INTENT_TO_ADD = 0x2000
/** Extended flags git defines; an entry with any other bit set is refused rather than guessed at. */
const KNOWN_EXTENDED = SKIP_WORKTREE | INTENT_TO_ADD

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

/** The bytes of one entry (cached per entry object). */
export function encodeEntry(e: IndexEntry): Buffer {
  let cached = entryBytes.get(e)
  if (cached) return cached
  const name = Buffer.from(e.path)
  const extended = (e.extendedFlags ?? 0) !== 0
  const fixed = extended ? 64 : 62
  // The fixed fields, the name, then 1 to 8 NULs so the entry length is a multiple of 8.
  const length = Math.ceil((fixed + name.length + 1) / 8) * 8
  const buf = Buffer.alloc(length)
  const fields = [e.ctimeSec, e.ctimeNsec, e.mtimeSec, e.mtimeNsec, e.dev, e.ino, e.mode, e.uid, e.gid, e.size]
  for (let i = 0; i < fields.length; i++) buf.writeUInt32BE(fields[i]! >>> 0, i * 4)
  buf.write(e.oid, 40, 'hex')
  buf.writeUInt16BE(((e.assumeValid ?? 0) & ASSUME_VALID) | (extended ? EXTENDED : 0) | Math.min(name.length, 0xfff), 60)
  if (extended) buf.writeUInt16BE(e.extendedFlags!, 62)
  name.copy(buf, fixed)
  entryBytes.set(e, buf)
  cached = buf
  return cached
}

/**
 * Serialises sorted entries as an index file, checksum included: version 2, or version 3 when an
 * entry has extended flags (version 2 cannot hold them, and dropping them would turn an `add -N`
 * into a staged empty file).
 */
export function encodeIndex(entries: readonly IndexEntry[]): Buffer {
  const header = Buffer.alloc(12)
  header.write('DIRC', 0, 'latin1')
  header.writeUInt32BE(entries.some((e) => (e.extendedFlags ?? 0) !== 0) ? 3 : 2, 4)
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

/** The entries of an index file, or why evogit will not rewrite it. */
export type DecodedIndex = { ok: true; entries: IndexEntry[]; link?: LinkExtension } | { ok: false; reason: string; conflicted?: string[] }

/**
 * Parses an index of version 2, 3 or 4 (v4 is what `feature.manyFiles` gives). Refuses, with a
 * reason, what cannot be rewritten without losing something: a damaged file, a sparse index, or
 * conflict stages of a merge in progress. A split index comes back with its `link` and its
 * entries in file order (the replacements first, nameless); `mergeSplit` completes it.
 */
export function decodeIndex(buf: Buffer): DecodedIndex {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return { ok: false, reason: 'it is not a git index' }
  const version = buf.readUInt32BE(4)
  if (version < 2 || version > 4) return { ok: false, reason: `index version ${version} is not supported` }
  const expected = createHash('sha1').update(buf.subarray(0, buf.length - 20)).digest()
  if (!expected.equals(buf.subarray(buf.length - 20))) return { ok: false, reason: 'its checksum does not match (the file is damaged)' }
  const count = buf.readUInt32BE(8)
  const end = buf.length - 20
  const entries: IndexEntry[] = []
  const conflicted: string[] = []
  let off = 12
  let previous: Buffer = Buffer.alloc(0)
  for (let i = 0; i < count; i++) {
    const start = off
    if (start + 62 > end) return { ok: false, reason: 'it is truncated' }
    const flags = buf.readUInt16BE(start + 60)
    const extended = version >= 3 && (flags & 0x4000) !== 0
    const stage = (flags >> 12) & 0x3
    if (extended && start + 64 > end) return { ok: false, reason: 'it is truncated' }
    const extendedFlags = extended ? buf.readUInt16BE(start + 62) : 0
    if ((extendedFlags & ~KNOWN_EXTENDED) !== 0) return { ok: false, reason: `an entry has extended flags 0x${extendedFlags.toString(16)} that evogit does not know` }
    let cursor = start + 62 + (extended ? 2 : 0)
    let name: Buffer
    if (version === 4) {
      // Prefix compression: drop N bytes from the end of the previous path, append a NUL-terminated suffix.
      let c = buf[cursor++]!
      let strip = c & 127
      while (c & 128) {
        c = buf[cursor++]!
        strip = ((strip + 1) << 7) + (c & 127)
      }
      const nul = buf.indexOf(0, cursor)
      if (nul < 0 || nul >= end || strip > previous.length) return { ok: false, reason: 'it is truncated' }
      name = Buffer.concat([previous.subarray(0, previous.length - strip), buf.subarray(cursor, nul)])
      off = nul + 1
    } else {
      const nul = buf.indexOf(0, cursor)
      if (nul < 0 || nul >= end) return { ok: false, reason: 'it is truncated' }
      name = buf.subarray(cursor, nul)
      // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
      off = start + Math.ceil((nul - start + 1) / 8) * 8
    }
    previous = name
    const path = name.toString('utf8')
    if (stage !== 0) {
      conflicted.push(path)
      continue
    }
    entries.push({
      ctimeSec: buf.readUInt32BE(start),
      ctimeNsec: buf.readUInt32BE(start + 4),
      mtimeSec: buf.readUInt32BE(start + 8),
      mtimeNsec: buf.readUInt32BE(start + 12),
      dev: buf.readUInt32BE(start + 16),
      ino: buf.readUInt32BE(start + 20),
      mode: buf.readUInt32BE(start + 24),
      uid: buf.readUInt32BE(start + 28),
      gid: buf.readUInt32BE(start + 32),
      size: buf.readUInt32BE(start + 36),
      oid: buf.toString('hex', start + 40, start + 60),
      path,
      ...(flags & ASSUME_VALID ? { assumeValid: ASSUME_VALID } : {}),
      ...(extendedFlags !== 0 ? { extendedFlags } : {}),
    })
  }
  if (conflicted.length > 0) return { ok: false, reason: 'a merge is in progress (the index has conflicted files)', conflicted: [...new Set(conflicted)] }
  // Extensions follow the entries: a split index keeps most entries in another file.
  let link: LinkExtension | undefined
  while (off + 8 <= end) {
    const signature = buf.toString('latin1', off, off + 4)
    const size = buf.readUInt32BE(off + 4)
    if (off + 8 + size > end) return { ok: false, reason: `its ${JSON.stringify(signature)} extension is truncated` }
    if (signature === 'link') {
      try {
        link = parseLink(buf.subarray(off + 8, off + 8 + size))
      } catch (err) {
        return { ok: false, reason: (err as Error).message }
      }
      off += 8 + size
      continue
    }
    if (signature === 'sdir') return { ok: false, reason: 'it is a sparse index' }
    // git's rule: an extension whose name starts with a capital is an optional cache (TREE, UNTR,
    // FSMN …) that may be dropped on rewrite; any other one is required and cannot be.
    if (!/^[A-Z]/.test(signature)) return { ok: false, reason: `it has the index extension ${JSON.stringify(signature)}, which evogit cannot keep` }
    off += 8 + size
  }
  return link ? { ok: true, entries, link } : { ok: true, entries }
}
