/**
 * Refs are listed and resolved by our own reader, loose and packed: what it finds must be what
 * native git finds, after `git pack-refs` moved some refs into `packed-refs` and not others.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RefStore } from '../../src/git/refs.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { git, tempDir } from '../helpers.js'

describe('RefStore reads refs as native git does', () => {
  it('lists and resolves loose and packed refs, nested names, annotated tags, and skips lock files', async () => {
    const dir = tempDir()
    git(dir, 'init', '-q', '-b', 'main')
    writeFileSync(join(dir, 'f'), '1')
    git(dir, 'add', 'f')
    git(dir, 'commit', '-q', '-m', 'one')
    git(dir, 'branch', 'exp/a')
    git(dir, 'tag', '-a', '-m', 'annotated', 'v1')
    git(dir, 'tag', 'light')
    // Everything so far goes into packed-refs; what follows stays loose.
    git(dir, 'pack-refs', '--all')
    writeFileSync(join(dir, 'f'), '2')
    git(dir, 'commit', '-q', '-am', 'two')
    git(dir, 'branch', 'exp/b')
    git(dir, 'branch', '-f', 'exp/a', 'HEAD')
    writeFileSync(join(dir, '.git', 'refs', 'heads', 'exp', 'c.lock'), `${'0'.repeat(40)}\n`)

    const refs = new RefStore(nodeStoreFs, join(dir, '.git'))
    const native = (prefix: string) => git(dir, 'for-each-ref', '--format=%(refname) %(objectname)', prefix).trim().split('\n')
    for (const prefix of ['refs/heads/', 'refs/tags/']) {
      const listed = await refs.list(prefix)
      const resolved = await Promise.all(listed.map(async (ref) => `${ref} ${await refs.resolve(ref)}`))
      expect(resolved.sort()).toEqual(native(prefix).sort())
    }
    expect(await refs.list('refs/heads/')).toEqual(['refs/heads/exp/a', 'refs/heads/exp/b', 'refs/heads/main'])
    // The loose exp/a wins over its older packed value, as in git.
    expect(await refs.resolve('refs/heads/exp/a')).toBe(git(dir, 'rev-parse', 'HEAD').trim())
    expect(await refs.resolve('refs/heads/exp/c')).toBeNull()
    expect(await refs.list('refs/remotes/')).toEqual([])
  })
})
