/**
 * The shortcuts history walks take through the object formats must give what the full decoders
 * give: the quick tree-name check the same verdict as git's rules, the parents-and-message
 * commit decode the same parents and message as the full one.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeCommit, decodeCommitLink, isSafeTreeName } from '../../src/git/format.js'
import { git, tempDir } from '../helpers.js'

/** git's rules as the store documents them, written out without any shortcut. */
function referenceIsSafe(name: string): boolean {
  if (name === '' || name.includes('/') || name.includes('\\') || name.includes('\0')) return false
  const clean = name.replace(/[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/g, '')
  if (clean === '.' || clean === '..') return false
  const normalized = clean.split(':')[0]!.toLowerCase().replace(/[. ]+$/, '')
  return normalized !== '.git' && !/^\.?git~[1-9]$/.test(normalized)
}

describe('the quick tree-name check', () => {
  it('agrees with the full rule on names built from the characters that matter', () => {
    const char = fc.constantFrom('.', ' ', 'g', 'G', 'i', 'I', 't', 'T', '~', '1', '0', ':', '/', '\\', '\0', 'a', '_', '\u200c', '\ufeff', 'ü')
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }), (chars) => {
        const name = chars.join('')
        expect(isSafeTreeName(name), JSON.stringify(name)).toBe(referenceIsSafe(name))
      }),
      { numRuns: 5000 },
    )
  })

  it('still rejects long spellings of .git and accepts ordinary long names', () => {
    for (const name of ['.git.....', '.GIT   . ', 'git~1......', '.git~1 . .', '.git::$INDEX_ALLOCATION']) expect(isSafeTreeName(name), name).toBe(false)
    for (const name of ['gen_997.json', '.evogit', '.gitignore', 'objectives.json']) expect(isSafeTreeName(name), name).toBe(true)
  })
})

describe('decodeCommitLink', () => {
  it('reads the parents and message decodeCommit reads, from commits native git wrote', () => {
    const dir = tempDir()
    git(dir, 'init', '-q', '-b', 'main')
    const commit = (message: string) => {
      const file = message.split('\n')[0]!
      writeFileSync(join(dir, file), message)
      git(dir, 'add', file)
      git(dir, 'commit', '-q', '-m', message)
    }
    commit('root')
    git(dir, 'checkout', '-q', '-b', 'side')
    commit('side\n\nGeneration: 3\nBest-Score: 0.5')
    git(dir, 'checkout', '-q', 'main')
    commit('main')
    git(dir, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side')
    // An extra header with continuation lines (as gpgsig has) between committer and message.
    const head = git(dir, 'cat-file', 'commit', 'HEAD')
    const signed = head.replace(/\n\n/, '\ngpgsig -----BEGIN PGP SIGNATURE-----\n parent 0000000000000000000000000000000000000000\n -----END PGP SIGNATURE-----\n\n')
    writeFileSync(join(dir, 'signed'), signed)
    const signedOid = git(dir, 'hash-object', '-t', 'commit', '-w', 'signed').trim()
    const oids = [...git(dir, 'rev-list', '--all').trim().split('\n'), signedOid]
    expect(oids).toHaveLength(5)
    let merges = 0
    for (const oid of oids) {
      const content = execFileSync('git', ['cat-file', 'commit', oid], { cwd: dir })
      const full = decodeCommit(content)
      expect(decodeCommitLink(content)).toEqual({ parents: full.parents, message: full.message })
      if (full.parents.length === 2) merges++
    }
    expect(merges).toBe(2)
  })
})
