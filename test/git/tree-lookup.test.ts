/**
 * The one-name tree lookup compare uses must find the entry decodeTree finds, in trees we encode
 * and in trees native git wrote, and must say so when a tree is cut short or a name is absent.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeTree, encodeTree, type TreeEntry } from '../../src/git/format.js'
import { findRawTreeEntry } from '../../src/git/tree-lookup.js'
import { git, tempDir } from '../helpers.js'

const hex = fc.stringMatching(/^[0-9a-f]{40}$/)
const name = fc.stringMatching(/^[a-zA-Z0-9._é-]{1,12}$/).filter((n) => n !== '.' && n !== '..' && n.toLowerCase() !== '.git')

describe('findRawTreeEntry', () => {
  it('finds what decodeTree finds, for names present and absent', () => {
    const entry = fc.record({ mode: fc.constantFrom('100644' as const, '100755' as const, '40000' as const), name, oid: hex })
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.name, maxLength: 30 }), name, (entries: TreeEntry[], other) => {
        const content = encodeTree([...entries].sort((a, b) => (a.name < b.name ? -1 : 1)))
        const decoded = decodeTree(content)
        for (const wanted of [...entries.map((e) => e.name), other]) {
          const expected = decoded.find((e) => e.name === wanted) ?? null
          expect(findRawTreeEntry(content, wanted), wanted).toEqual(expected === null ? null : { mode: expected.mode, name: expected.name, oid: expected.oid })
        }
      }),
      { numRuns: 500 },
    )
  })

  it('reads trees native git wrote, directories included', () => {
    const dir = tempDir()
    git(dir, 'init', '-q', '-b', 'main')
    mkdirSync(join(dir, '.evogit', 'meta', '0'), { recursive: true })
    for (let g = 0; g < 50; g++) writeFileSync(join(dir, `gen_${g}.json`), `[${g}]\n`)
    writeFileSync(join(dir, '.evogit', 'meta', '0', '7.json'), '{}\n')
    git(dir, 'add', '-A')
    git(dir, 'commit', '-q', '-m', 'x')
    const root = execFileSync('git', ['cat-file', 'tree', 'HEAD^{tree}'], { cwd: dir })
    const listed = git(dir, 'ls-tree', 'HEAD').trim().split('\n')
    expect(listed).toHaveLength(51)
    for (const line of listed) {
      const [mode, , oid, entryName] = line.split(/\s+/) as [string, string, string, string]
      expect(findRawTreeEntry(root, entryName)).toEqual({ mode: mode === '040000' ? '40000' : mode, name: entryName, oid })
    }
    expect(findRawTreeEntry(root, 'gen_50.json')).toBeNull()
    expect(findRawTreeEntry(root, 'gen_1')).toBeNull()
  })

  it('throws on a tree cut short before the name is found', () => {
    const content = encodeTree([
      { mode: '100644', name: 'a', oid: '1'.repeat(40) },
      { mode: '100644', name: 'b', oid: '2'.repeat(40) },
    ])
    expect(() => findRawTreeEntry(content.subarray(0, content.length - 5), 'b')).toThrow(/truncated/)
    expect(findRawTreeEntry(content, 'a')).toMatchObject({ oid: '1'.repeat(40) })
  })
})
