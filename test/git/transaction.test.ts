import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConcurrentUpdateError } from '../../src/errors/index.js'
import { Repository } from '../../src/git/repository.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { git, tempDir } from '../helpers.js'

const author = { name: 't', email: 't@t', timestamp: 1_767_225_600, timezoneOffset: 0 }

async function freshRepo(): Promise<{ dir: string; repo: Repository }> {
  const dir = tempDir()
  const repo = await Repository.init({ fs: nodeStoreFs, dir, defaultBranch: 'main' })
  return { dir, repo }
}

describe('Repository.commit (the one commit transaction)', () => {
  it('commits onto the checked-out branch, updates the working tree and index, and native git agrees', async () => {
    const { dir, repo } = await freshRepo()
    const first = await repo.commit({
      ref: 'refs/heads/main',
      expected: null,
      parentTree: null,
      files: [{ path: 'a.json', data: Buffer.from('[1]\n') }, { path: '.evogit/a.meta.json', data: Buffer.from('{}\n') }],
      message: 'one\n',
      author,
      worktree: true,
    })
    expect(first.warnings).toEqual([])
    expect(first.blobs.get('a.json')).toBe(git(dir, 'hash-object', 'a.json').trim())
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(first.commit)
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
    const second = await repo.commit({
      ref: 'refs/heads/main',
      expected: first.commit,
      parentTree: first.tree,
      files: repo.stage([{ path: 'b.json', data: Buffer.from('[2]\n') }]),
      message: 'two\n',
      author,
      worktree: true,
    })
    expect(git(dir, 'rev-parse', 'HEAD^').trim()).toBe(first.commit)
    expect(git(dir, 'ls-tree', '--name-only', 'HEAD').split('\n').filter(Boolean)).toEqual(['.evogit', 'a.json', 'b.json'])
    expect(readFileSync(`${dir}/b.json`, 'utf8')).toBe('[2]\n')
    expect(second.warnings).toEqual([])
    git(dir, 'fsck', '--strict', '--no-progress')
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
  })

  it('moves another branch without touching the working tree', async () => {
    const { dir, repo } = await freshRepo()
    const base = await repo.commit({ ref: 'refs/heads/main', expected: null, parentTree: null, files: [{ path: 'a', data: Buffer.from('a') }], message: 'a\n', author, worktree: true })
    await repo.refs.update('refs/heads/side', base.commit, null)
    const side = await repo.commit({ ref: 'refs/heads/side', expected: base.commit, parentTree: base.tree, files: [{ path: 'b', data: Buffer.from('b') }], message: 'b\n', author, worktree: false })
    expect(git(dir, 'rev-parse', 'side').trim()).toBe(side.commit)
    expect(readdirSync(dir).sort()).toEqual(['.git', 'a'])
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
  })

  it('a lost compare-and-swap moves nothing and leaves no temp file in the working tree', async () => {
    const { dir, repo } = await freshRepo()
    const base = await repo.commit({ ref: 'refs/heads/main', expected: null, parentTree: null, files: [{ path: 'a', data: Buffer.from('a') }], message: 'a\n', author, worktree: true })
    const err = await repo
      .commit({ ref: 'refs/heads/main', expected: '0'.repeat(40), parentTree: base.tree, files: [{ path: 'b', data: Buffer.from('b') }], message: 'b\n', author, worktree: true })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConcurrentUpdateError)
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(base.commit)
    expect(readdirSync(dir).sort()).toEqual(['.git', 'a'])
  })

  it('creates an annotated tag that native git reads', async () => {
    const { dir, repo } = await freshRepo()
    const base = await repo.commit({ ref: 'refs/heads/main', expected: null, parentTree: null, files: [{ path: 'a', data: Buffer.from('a') }], message: 'a\n', author, worktree: true })
    await repo.createTag({ ref: 'refs/tags/v1', name: 'v1', object: base.commit, type: 'commit', tagger: author, message: 'best\n' })
    expect(git(dir, 'rev-parse', 'v1^{commit}').trim()).toBe(base.commit)
    expect(git(dir, 'cat-file', '-t', 'v1').trim()).toBe('tag')
  })
})
