import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { git, tempDir } from '../helpers.js'

const pop = (g: number) => [{ name: 'a', v: g }, { name: 'b', v: -g }]

/**
 * branches() answers from a cache keyed by commit (.git/evogit/summaries.json). Whatever the
 * cache holds — nothing, a stale set of tips, garbage — the answer must be the one a full walk
 * of the history gives.
 */
describe('branch summary cache', () => {
  it('gives the same summaries as a rebuild from history, after every kind of change', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    const cache = join(dir, '.git', 'evogit', 'summaries.json')
    const fresh = async () => {
      rmSync(cache, { force: true })
      const rebuilt = await (await openStore({ dir })).branches()
      return rebuilt
    }
    for (let g = 0; g < 6; g++) await store.saveGeneration(g, pop(g), { scores: [g, g / 2] })
    const first = await store.branches()
    expect(existsSync(cache)).toBe(true)
    expect(first).toEqual(await fresh())
    expect(first[0]).toMatchObject({ name: 'main', latestGeneration: 5, bestScore: 5 })

    // New saves on top of a cached tip, a recorded fork, and a branch made by native git.
    await store.branch('wide', { from: 2, checkout: false })
    await store.saveGeneration(3, pop(30), { scores: [30, 1], branch: 'wide' })
    await store.saveGeneration(6, pop(6), { scores: [1, 2] })
    git(dir, 'branch', 'native', 'main~2')
    const cached = await store.branches()
    expect(cached).toEqual(await fresh())
    expect(cached.find((b) => b.name === 'wide')).toMatchObject({ latestGeneration: 3, bestScore: 30, forkedFrom: { branch: 'main', generation: 2 } })
    expect(cached.find((b) => b.name === 'native')?.forkedFrom).toMatchObject({ branch: 'main', generation: 4 })

    // A rollback moves a tip backwards; a rewritten fork record must be re-checked.
    await store.rollback(4, { force: true })
    const after = await store.branches()
    expect(after).toEqual(await fresh())
    expect(after.find((b) => b.name === 'main')).toMatchObject({ latestGeneration: 4, bestScore: 4 })
  })

  it('ignores a torn or foreign cache file and rewrites it', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    for (let g = 0; g < 3; g++) await store.saveGeneration(g, pop(g), { scores: [g, 0] })
    const expected = await store.branches()
    const cache = join(dir, '.git', 'evogit', 'summaries.json')
    for (const junk of ['{"version":2,"tips":{', '[]', '{"version":2,"tips":{"x":{"best":"9","length":1,"latest":1}},"onLine":{},"forks":{}}']) {
      writeFileSync(cache, junk)
      expect(await (await openStore({ dir })).branches()).toEqual(expected)
    }
    git(dir, 'fsck', '--strict', '--no-progress')
    expect(git(dir, 'status', '--porcelain')).toBe('')
  })
})
