// The index codec against native git: v2, v3 (extended flags) and v4 (prefix-compressed) indexes
// written by git decode, and what we encode from them reads back identically in git.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeIndex, encodeIndex, entryWithoutStat, INTENT_TO_ADD, SKIP_WORKTREE, type IndexEntry } from '../../src/git/index-file.js'
import { git, tempDir } from '../helpers.js'

const FILES = ['a.json', 'dir/b.json', 'dir/sub/c.json', 'dir/sub/d.json', 'longer-name-here.json', 'x']

function repoWithFiles(): string {
  const dir = tempDir()
  git(dir, 'init', '-q', '-b', 'main')
  for (const name of FILES) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), `${name}\n`)
  }
  git(dir, 'add', '.')
  git(dir, 'commit', '-q', '-m', 'files')
  return dir
}

/** Decodes the repository's index, re-encodes it, writes it back, and returns what git sees before and after. */
function roundTrip(dir: string): { before: string; after: string; version: number; entries: IndexEntry[] } {
  const see = () => git(dir, 'ls-files', '-v', '-s', '--debug') + git(dir, 'status', '--porcelain')
  const before = see()
  const decoded = decodeIndex(readFileSync(join(dir, '.git', 'index')))
  if (!decoded.ok) throw new Error(decoded.reason)
  const encoded = encodeIndex(decoded.entries)
  writeFileSync(join(dir, '.git', 'index'), encoded)
  return { before, after: see(), version: encoded.readUInt32BE(4), entries: decoded.entries }
}

describe('index codec against native git', () => {
  it('round-trips a version 2 index exactly as git reads it', () => {
    const dir = repoWithFiles()
    git(dir, 'update-index', '--index-version', '2')
    const r = roundTrip(dir)
    expect(r.entries.map((e) => e.path)).toEqual([...FILES].sort())
    expect(r.version).toBe(2)
    expect(r.after).toBe(r.before)
  })

  it('round-trips a version 3 index with skip-worktree, intent-to-add and assume-unchanged entries', () => {
    const dir = repoWithFiles()
    writeFileSync(join(dir, 'new.md'), 'draft\n')
    git(dir, 'add', '-N', 'new.md')
    git(dir, 'update-index', '--skip-worktree', 'dir/b.json')
    git(dir, 'update-index', '--assume-unchanged', 'x')
    expect(readFileSync(join(dir, '.git', 'index')).readUInt32BE(4)).toBe(3)
    const r = roundTrip(dir)
    expect(r.version).toBe(3)
    expect(r.entries.find((e) => e.path === 'new.md')?.extendedFlags).toBe(INTENT_TO_ADD)
    expect(r.entries.find((e) => e.path === 'dir/b.json')?.extendedFlags).toBe(SKIP_WORKTREE)
    expect(r.after).toBe(r.before)
  })

  it('reads a version 4 (prefix-compressed) index and writes one git reads identically', () => {
    const dir = repoWithFiles()
    git(dir, 'update-index', '--index-version', '4')
    expect(readFileSync(join(dir, '.git', 'index')).readUInt32BE(4)).toBe(4)
    const r = roundTrip(dir)
    expect(r.entries.map((e) => e.path)).toEqual([...FILES].sort())
    expect(r.after).toBe(r.before)
  })

  it('refuses required extensions it cannot keep, and unknown extended flags', () => {
    const dir = repoWithFiles()
    const raw = readFileSync(join(dir, '.git', 'index'))
    const body = raw.subarray(0, raw.length - 20)
    const withExtension = (sig: string) => {
      const ext = Buffer.concat([Buffer.from(sig, 'latin1'), Buffer.from([0, 0, 0, 0])])
      const content = Buffer.concat([body, ext])
      return Buffer.concat([content, createHash('sha1').update(content).digest()])
    }
    expect(decodeIndex(withExtension('TREE')).ok).toBe(true)
    const refused = decodeIndex(withExtension('zzzz'))
    expect(refused.ok).toBe(false)
    const unknownFlag = decodeIndex(encodeIndex([{ ...entryWithoutStat('a', '0'.repeat(40)), extendedFlags: 0x1000 }]))
    expect(unknownFlag.ok).toBe(false)
  })

  it('encode then decode is the identity for any entries and flags (property)', () => {
    const entry = fc.record({
      path: fc.stringMatching(/^[a-z]{1,8}(\/[a-z0-9_.]{1,12}){0,3}$/),
      oid: fc.stringMatching(/^[0-9a-f]{40}$/),
      skip: fc.boolean(),
      ita: fc.boolean(),
      assume: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.path, maxLength: 30 }), (raw) => {
        const entries: IndexEntry[] = raw
          .map((e) => {
            const base = entryWithoutStat(e.path, e.oid)
            const ext = (e.skip ? SKIP_WORKTREE : 0) | (e.ita ? INTENT_TO_ADD : 0)
            return { ...base, ...(e.assume ? { assumeValid: 0x8000 } : {}), ...(ext ? { extendedFlags: ext } : {}) }
          })
          .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
        const decoded = decodeIndex(encodeIndex(entries))
        expect(decoded.ok).toBe(true)
        if (decoded.ok) expect(decoded.entries).toEqual(entries)
      }),
    )
  })
})
