/**
 * Pure encoders and decoders of git's object formats (trees, commits, tags), byte for byte what
 * native git writes, so that `git fsck --strict` accepts every object we create.
 */

/** A tree entry: `100644` for files, `40000` for directories. */
export interface TreeEntry {
  readonly mode: '100644' | '100755' | '40000' | '120000' | '160000'
  readonly name: string
  readonly oid: string
}

/** A commit's parsed header fields and message. */
export interface CommitData {
  tree: string
  parents: string[]
  author: Signature
  committer: Signature
  message: string
}

/** Who and when, with the timezone offset in minutes east of UTC (git stores `+HHMM`). */
export interface Signature {
  name: string
  email: string
  timestamp: number
  timezoneOffset: number
}

/** Git sorts tree entries by name, comparing a directory as if its name ended in `/`. */
export function compareTreeEntries(a: TreeEntry, b: TreeEntry): number {
  return compareBytes(sortKey(a), sortKey(b))
}

function sortKey(e: TreeEntry): string {
  return e.mode === '40000' ? `${e.name}/` : e.name
}

/** Byte-wise (UTF-8) comparison, which is what git uses for names. */
export function compareBytes(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

const entryBytes = new WeakMap<TreeEntry, Buffer>()

/** Characters HFS+ ignores in names, so `.g\u200cit` opens `.git` there (git's is_hfs_dotgit). */
const HFS_IGNORABLE = /[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/g

/**
 * Names native git refuses in trees (verify_path, is_ntfs_dotgit, is_hfs_dotgit), at least as
 * strictly as isomorphic-git's own GitTree check: empty, `.`, `..`, anything containing `/`, `\`
 * or NUL, and every spelling of `.git` some file system resolves to the real one: any case, with
 * trailing dots or spaces (NTFS), its 8.3 short name `git~1` (NTFS), an alternate data stream
 * `.git::$INDEX_ALLOCATION` (NTFS), or with HFS+-ignorable characters. A tree carrying one
 * (crafted, or from a hostile server via pull) would otherwise make checkout write outside the
 * store or into `.git/hooks` on some machine that clones it.
 */
export function isSafeTreeName(name: string): boolean {
  if (isPlainLongName(name)) return true
  if (name === '' || name.includes('/') || name.includes('\\') || name.includes('\0')) return false
  const hfsClean = name.replace(HFS_IGNORABLE, '')
  if (hfsClean === '.' || hfsClean === '..') return false
  const normalized = hfsClean.split(':')[0]!.toLowerCase().replace(/[. ]+$/, '')
  return normalized !== '.git' && !/^\.?git~[1-9]$/.test(normalized)
}

/**
 * The common case, decided without building strings: an ASCII name with no `/`, backslash, NUL or
 * `:` is left as it is by every step of {@link isSafeTreeName} but the lower-casing and the
 * trimming of trailing dots and spaces, and every name those steps reject is at most six
 * characters long after them (`.git~1`). Trees hold one entry per generation, so this runs
 * thousands of times per tree read.
 */
function isPlainLongName(name: string): boolean {
  let end = name.length
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c >= 0x80 || c === 0x2f || c === 0x5c || c === 0 || c === 0x3a) return false
  }
  while (end > 0 && (name.charCodeAt(end - 1) === 0x2e || name.charCodeAt(end - 1) === 0x20)) end--
  return end > 6
}

/** One entry's bytes in a tree object (cached per entry). */
export function encodeTreeEntry(entry: TreeEntry): Buffer {
  let bytes = entryBytes.get(entry)
  if (!bytes) {
    const head = Buffer.from(`${entry.mode} ${entry.name}\0`)
    bytes = Buffer.concat([head, Buffer.from(entry.oid, 'hex')])
    entryBytes.set(entry, bytes)
  }
  return bytes
}

/** Serialises sorted entries; each entry's bytes are cached so rewriting a big tree stays cheap. */
export function encodeTree(entries: readonly TreeEntry[]): Buffer {
  const parts = new Array<Buffer>(entries.length)
  let length = 0
  for (let i = 0; i < entries.length; i++) {
    const bytes = encodeTreeEntry(entries[i]!)
    parts[i] = bytes
    length += bytes.length
  }
  return Buffer.concat(parts, length)
}

/** Parses a tree object's content. */
export function decodeTree(content: Buffer): TreeEntry[] {
  const out: TreeEntry[] = []
  let i = 0
  while (i < content.length) {
    const space = content.indexOf(0x20, i)
    const nul = content.indexOf(0, space)
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new Error('truncated tree entry')
    let mode = content.toString('latin1', i, space)
    if (mode === '040000') mode = '40000'
    const name = content.toString('utf8', space + 1, nul)
    if (!isSafeTreeName(name)) throw new Error(`tree entry ${JSON.stringify(name)} could write outside the working tree or into .git`)
    const entry: TreeEntry = {
      mode: mode as TreeEntry['mode'],
      name,
      oid: content.toString('hex', nul + 1, nul + 21),
    }
    entryBytes.set(entry, content.subarray(i, nul + 21))
    out.push(entry)
    i = nul + 21
  }
  return out
}

/** `Name <email> 1700000000 +0000`. */
export function formatSignature(s: Signature): string {
  const sign = s.timezoneOffset < 0 ? '-' : '+'
  const abs = Math.abs(s.timezoneOffset)
  const tz = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`
  return `${s.name} <${s.email}> ${s.timestamp} ${tz}`
}

function parseSignature(text: string): Signature {
  const match = /^(.*) <(.*)> (-?\d+) ([+-])(\d\d)(\d\d)$/.exec(text)
  if (!match) return { name: text, email: '', timestamp: 0, timezoneOffset: 0 }
  const offset = Number(match[5]) * 60 + Number(match[6])
  return { name: match[1]!, email: match[2]!, timestamp: Number(match[3]), timezoneOffset: match[4] === '-' ? -offset : offset }
}

/** Serialises a commit; the message is kept exactly (callers end it with a newline). */
export function encodeCommit(c: CommitData): Buffer {
  let head = `tree ${c.tree}\n`
  for (const p of c.parents) head += `parent ${p}\n`
  head += `author ${formatSignature(c.author)}\ncommitter ${formatSignature(c.committer)}\n\n`
  return Buffer.from(head + c.message)
}

/** Parses a commit object's content (extra headers such as `gpgsig` are skipped). */
export function decodeCommit(content: Buffer): CommitData {
  const text = content.toString('utf8')
  const split = text.indexOf('\n\n')
  const headerText = split < 0 ? text : text.slice(0, split)
  const message = split < 0 ? '' : text.slice(split + 2)
  const out: CommitData = { tree: '', parents: [], author: parseSignature(''), committer: parseSignature(''), message }
  for (const line of headerText.split('\n')) {
    if (line.startsWith(' ')) continue
    const space = line.indexOf(' ')
    const key = line.slice(0, space)
    const value = line.slice(space + 1)
    if (key === 'tree') out.tree = value
    else if (key === 'parent') out.parents.push(value)
    else if (key === 'author') out.author = parseSignature(value)
    else if (key === 'committer') out.committer = parseSignature(value)
  }
  return out
}

/** What a history walk needs of a commit: its parents and its message. */
export interface CommitLink {
  parents: string[]
  message: string
}

/**
 * The parents and message of a commit, without parsing its signatures: walks that read
 * thousands of commits only for their trailers (compare) spend most of a full decode on them.
 */
export function decodeCommitLink(content: Buffer): CommitLink {
  const text = content.toString('utf8')
  const split = text.indexOf('\n\n')
  const parents: string[] = []
  // The same header reading as decodeCommit, minus the signatures: every `parent` line counts.
  let start = 0
  const end = split < 0 ? text.length : split
  while (start < end) {
    let stop = text.indexOf('\n', start)
    if (stop < 0 || stop > end) stop = end
    if (text.startsWith('parent ', start)) parents.push(text.slice(start + 7, stop))
    start = stop + 1
  }
  return { parents, message: split < 0 ? '' : text.slice(split + 2) }
}

/** A parsed annotated tag. */
export interface TagData {
  object: string
  type: string
  tag: string
  tagger: Signature | null
  message: string
}

/** Serialises an annotated tag. */
export function encodeTag(t: TagData): Buffer {
  let head = `object ${t.object}\ntype ${t.type}\ntag ${t.tag}\n`
  if (t.tagger) head += `tagger ${formatSignature(t.tagger)}\n`
  return Buffer.from(`${head}\n${t.message}`)
}

/** Parses an annotated tag object's content. */
export function decodeTag(content: Buffer): TagData {
  const text = content.toString('utf8')
  const split = text.indexOf('\n\n')
  const headerText = split < 0 ? text : text.slice(0, split)
  const out: TagData = { object: '', type: '', tag: '', tagger: null, message: split < 0 ? '' : text.slice(split + 2) }
  for (const line of headerText.split('\n')) {
    const space = line.indexOf(' ')
    const key = line.slice(0, space)
    const value = line.slice(space + 1)
    if (key === 'object') out.object = value
    else if (key === 'type') out.type = value
    else if (key === 'tag') out.tag = value
    else if (key === 'tagger') out.tagger = parseSignature(value)
  }
  return out
}
