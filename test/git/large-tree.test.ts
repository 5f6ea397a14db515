import { readFileSync } from 'node:fs'
import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { STORED_TREE_LIMIT, treeCompressionLevel } from '../../src/git/objects.js'
import { Repository } from '../../src/git/repository.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { git, tempDir } from '../helpers.js'

const author = { name: 't', email: 't@t', timestamp: 1_767_225_600, timezoneOffset: 0 }

describe('large trees (a long run’s root tree)', () => {
  it('are stored uncompressed past the limit, and native git reads them, fscks them and sees a clean index', async () => {
    expect(treeCompressionLevel(STORED_TREE_LIMIT)).toBe(1)
    expect(treeCompressionLevel(STORED_TREE_LIMIT + 1)).toBe(0)
    const dir = tempDir()
    const repo = (await Repository.init({ fs: nodeStoreFs, dir, defaultBranch: 'main' }))!
    // 1500 entries of ~35 bytes: a root tree past the limit, as a store's after ~900 generations.
    const files = Array.from({ length: 1500 }, (_, g) => ({ path: `gen_${g}.json`, data: Buffer.from(`[${g}]\n`) }))
    const first = await repo.commit({ ref: 'refs/heads/main', expected: null, parentTree: null, files, message: 'many\n', author, worktree: true })
    const second = await repo.commit({
      ref: 'refs/heads/main',
      expected: first.commit,
      parentTree: first.tree,
      files: repo.stage([{ path: 'gen_1500.json', data: Buffer.from('[1500]\n') }, { path: 'gen_7.json', data: Buffer.from('[7, 7]\n') }]),
      message: 'more\n',
      author,
      worktree: true,
    })
    const tree = git(dir, 'rev-parse', `${second.commit}^{tree}`).trim()
    const loose = readFileSync(`${dir}/.git/objects/${tree.slice(0, 2)}/${tree.slice(2)}`)
    // A level-0 zlib stream: the tree's bytes appear as they are, after the 2-byte header and a 5-byte stored-block header.
    expect(loose.includes(Buffer.from('100644 gen_1499.json\0'))).toBe(true)
    expect(inflateSync(loose).subarray(0, 5).toString()).toBe('tree ')
    expect(git(dir, 'ls-tree', '--name-only', 'HEAD').split('\n').filter(Boolean)).toHaveLength(1501)
    expect(git(dir, 'show', 'HEAD:gen_7.json')).toBe('[7, 7]\n')
    git(dir, 'fsck', '--strict', '--no-progress')
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
    expect(git(dir, 'ls-files').split('\n').filter(Boolean)).toHaveLength(1501)
  })
})
