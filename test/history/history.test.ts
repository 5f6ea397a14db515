import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema, type Persona, type Store } from '../../src/index.js'
import { codeOf, errorOf, expectCleanRepo, fixedClock, git, gitBlob, persona, population, tempDir } from '../helpers.js'

type PersonaStore = Store<Persona, Persona>

/** A store with generations 0..n-1 on main; generation g has scores whose max is g/10 + 0.5. */
async function seeded(n: number, dir = tempDir()): Promise<{ dir: string; store: PersonaStore; commits: string[] }> {
  const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
  const commits: string[] = []
  for (let g = 0; g < n; g++) {
    const saved = await store.saveGeneration(g, population(3, g), { scores: [0.1, 0.2, g / 10 + 0.5], meta: { seed: 7, rngState: 1000 + g } })
    commits.push(saved.commit)
  }
  return { dir, store, commits }
}

describe('resume', () => {
  it('returns null for an empty store, then the latest generation with its meta and commit', async () => {
    const store = await openStore({ dir: tempDir(), schema: personaSchema })
    expect(await store.resume()).toBeNull()
    const { store: s, commits } = await seeded(4)
    const point = await s.resume()
    expect(point).toMatchObject({ generation: 3, meta: { seed: 7, rngState: 1003 }, commit: commits[3], ref: 'main' })
    expect(point!.population).toEqual(population(3, 3))
    expect(point!.sidecar!.scores['score']).toEqual([0.1, 0.2, 0.8])
  })
})

describe('reading from any ref without touching the working tree', () => {
  it('reads generations from branches, tags and commits; the working tree and git status stay as they were', async () => {
    const { dir, store, commits } = await seeded(3)
    await store.branch('exp', { from: 1 })
    await store.tag('t1', 1)
    const before = readFileSync(join(dir, 'gen_2.json'))
    expect(await store.listGenerations({ ref: 'exp' })).toEqual([0, 1])
    expect(await store.listGenerations({ ref: 't1' })).toEqual([0, 1])
    expect(await store.listGenerations({ ref: commits[0]! })).toEqual([0])
    expect(await store.listGenerations({ ref: commits[0]!.slice(0, 8) })).toEqual([0])
    expect(await store.loadGeneration(2, { ref: 'exp' })).toEqual([])
    expect(await store.loadGeneration(1, { ref: 'refs/heads/exp' })).toEqual(population(3, 1))
    expect((await store.loadMetadata(1, { ref: 't1' }))!.meta).toEqual({ seed: 7, rngState: 1001 })
    expect(readFileSync(join(dir, 'gen_2.json')).equals(before)).toBe(true)
    expect(await store.currentBranch()).toBe('main')
    expectCleanRepo(dir)
  })
})

describe('branch, checkout and branches', () => {
  it('forks at a generation, switches, saves on the branch, and leaves main alone', async () => {
    const { dir, store, commits } = await seeded(4)
    const created = await store.branch('high-mutation', { from: 1 })
    expect(created).toMatchObject({ name: 'high-mutation', commit: commits[1], latestGeneration: 1, current: false, forkedFrom: { branch: 'main', generation: 1, commit: commits[1] } })
    expect(git(dir, 'rev-parse', 'high-mutation').trim()).toBe(commits[1])
    const switched = await store.checkout('high-mutation')
    expect(switched.removed.sort()).toEqual(['.evogit/meta/0/2.json', '.evogit/meta/0/3.json', 'gen_2.json', 'gen_3.json'])
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('high-mutation')
    expect(existsSync(join(dir, 'gen_2.json'))).toBe(false)
    expectCleanRepo(dir)
    await store.saveGeneration(2, population(3, 100), { scores: [0.9, 0.95, 0.99], meta: { mutationRate: 0.5 } })
    expectCleanRepo(dir)
    expect(await store.loadGeneration(2)).toEqual(population(3, 100))
    expect(await store.loadGeneration(2, { ref: 'main' })).toEqual(population(3, 2))
    const list = await store.branches()
    expect(list.map((b) => [b.name, b.current, b.latestGeneration, b.bestScore])).toEqual([
      ['high-mutation', true, 2, 0.99],
      ['main', false, 3, 0.8],
    ])
    expect(list.find((b) => b.name === 'main')!.forkedFrom).toBeNull()
    await store.checkout('main')
    expect(readFileSync(join(dir, 'gen_2.json')).equals(gitBlob(dir, 'main', 'gen_2.json'))).toBe(true)
    expectCleanRepo(dir)
    expect(git(dir, 'log', '--all', '--oneline').trim().split('\n')).toHaveLength(5)
  })

  it('branches from { ref, generation }, from a tag or commit, and with checkout', async () => {
    const { dir, store, commits } = await seeded(3)
    await store.branch('a', { from: 2, checkout: true })
    await store.saveGeneration(3, population(2))
    await store.checkout('main')
    const b = await store.branch('b', { from: { ref: 'a', generation: 3 } })
    expect(b.commit).toBe(git(dir, 'rev-parse', 'a').trim())
    expect(b.forkedFrom).toMatchObject({ branch: 'a', generation: 3 })
    await store.tag('v0', 0)
    expect((await store.branch('c', { from: 'v0' })).commit).toBe(commits[0])
    expect((await store.branch('d', { from: commits[1]! })).commit).toBe(commits[1])
    expect((await store.branch('e', { checkout: true })).current).toBe(true)
    expectCleanRepo(dir)
  })

  it('lists branches made with native git branch, with the fork point found in the graph', async () => {
    const { dir, store, commits } = await seeded(3)
    git(dir, 'branch', 'native', commits[1]!)
    const native = (await store.branches()).find((b) => b.name === 'native')
    expect(native).toMatchObject({ latestGeneration: 1, forkedFrom: { branch: 'main', generation: 1, commit: commits[1] } })
  })

  it('refuses to check out over uncommitted edits, naming the files, unless forced', async () => {
    const { dir, store } = await seeded(3)
    await store.branch('exp', { from: 0 })
    writeFileSync(join(dir, 'gen_1.json'), '[]\n')
    const err = await errorOf<{ files: string[] }>(store.checkout('exp'))
    expect(err.code).toBe('E_DIRTY_WORKTREE')
    expect(err.data.files).toEqual(['gen_1.json'])
    expect(err.message).toContain('gen_1.json')
    expect(readFileSync(join(dir, 'gen_1.json'), 'utf8')).toBe('[]\n')
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main')
    const forced = await store.checkout('exp', { force: true })
    expect(forced.discarded).toEqual(['gen_1.json'])
    expectCleanRepo(dir)
  })

  it('refuses to overwrite an untracked file the other branch has', async () => {
    const { dir, store } = await seeded(1)
    await store.branch('exp', { checkout: true })
    await store.saveGeneration(1, population(2, 9))
    await store.checkout('main')
    writeFileSync(join(dir, 'gen_1.json'), '["my own notes"]\n')
    expect((await errorOf<{ files: string[] }>(store.checkout('exp'))).data.files).toEqual(['gen_1.json'])
    expect(readFileSync(join(dir, 'gen_1.json'), 'utf8')).toBe('["my own notes"]\n')
  })
})

describe('rollback and archives', () => {
  it('moves the branch back, keeps the discarded tip reachable through git gc, lists it and restores it', async () => {
    const { dir, store, commits } = await seeded(5)
    const result = await store.rollback(2)
    expect(result).toMatchObject({ branch: 'main', commit: commits[2], generation: 2 })
    expect(git(dir, 'rev-parse', 'main').trim()).toBe(commits[2])
    expect(await store.listGenerations()).toEqual([0, 1, 2])
    expect(existsSync(join(dir, 'gen_4.json'))).toBe(false)
    expectCleanRepo(dir)
    const [archived] = await store.archives()
    expect(archived).toMatchObject({ branch: 'main', commit: commits[4], latestGeneration: 4, ref: result.archived!.ref })
    expect(git(dir, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/evogit/archive/').trim()).toBe(`${archived!.ref} ${commits[4]}`)
    git(dir, 'gc', '--prune=now', '--quiet')
    expect(await store.loadGeneration(4, { ref: archived!.ref })).toEqual(population(3, 4))
    await store.saveGeneration(3, population(2, 50))
    const restored = await store.restoreArchive(archived!.id)
    expect(restored.commit).toBe(commits[4])
    expect(restored.archived).not.toBeNull()
    expect(await store.listGenerations()).toEqual([0, 1, 2, 3, 4])
    expect(await store.loadGeneration(3)).toEqual(population(3, 3))
    expect((await store.archives()).map((a) => a.commit)).toEqual([restored.archived!.commit])
    expectCleanRepo(dir)
  })

  it('restores an archive as a new branch', async () => {
    const { store, commits } = await seeded(3)
    const { archived } = await store.rollback(0)
    const restored = await store.restoreArchive(archived!.ref, { as: 'before-rollback' })
    expect(restored).toMatchObject({ branch: 'before-rollback', commit: commits[2], archived: null })
    expect(await store.listGenerations({ ref: 'before-rollback' })).toEqual([0, 1, 2])
    expect(await store.listGenerations()).toEqual([0])
    expect(await store.archives()).toEqual([])
  })

  it('refuses rollbacks past the first generation, to missing generations, and over uncommitted edits', async () => {
    const { dir, store } = await seeded(3)
    await store.rollback(2)
    expect(await store.archives()).toEqual([])
    const fresh = await openStore({ dir: tempDir(), schema: personaSchema })
    await fresh.saveGeneration(5, population(1))
    await fresh.saveGeneration(6, population(1))
    expect(await codeOf(fresh.rollback(4))).toBe('E_GENERATION_NOT_FOUND')
    expect(await codeOf(store.rollback(9))).toBe('E_GENERATION_NOT_FOUND')
    expect(await codeOf(store.rollback(-1))).toBe('E_INVALID_GENERATION_ID')
    writeFileSync(join(dir, 'gen_2.json'), '[]')
    const err = await errorOf<{ files: string[] }>(store.rollback(0))
    expect(err.code).toBe('E_DIRTY_WORKTREE')
    expect(err.data.files).toEqual(['gen_2.json'])
    expect(await store.listGenerations()).toEqual([0, 1, 2])
    expect((await store.rollback(0, { force: true })).discarded).toEqual(['gen_2.json'])
    expectCleanRepo(dir)
  })
})

describe('tags', () => {
  it('tags a generation with an annotated tag that native git shows', async () => {
    const { dir, store, commits } = await seeded(3)
    const t = await store.tag('paper-fig-3', 1, { message: 'best run, Fig. 3' })
    expect(t).toMatchObject({ name: 'paper-fig-3', commit: commits[1], generation: 1, message: 'best run, Fig. 3' })
    expect(git(dir, 'cat-file', '-t', 'paper-fig-3').trim()).toBe('tag')
    expect(git(dir, 'rev-parse', 'paper-fig-3^{commit}').trim()).toBe(commits[1])
    expect(git(dir, 'tag', '-n1').trim()).toBe('paper-fig-3     best run, Fig. 3')
    await store.tag('default-message', { ref: 'main', generation: 2 })
    git(dir, 'tag', 'light', commits[0]!)
    const list = await store.tags()
    expect(list.map((x) => [x.name, x.generation])).toEqual([
      ['default-message', 2],
      ['light', 0],
      ['paper-fig-3', 1],
    ])
    expect(list[0]!.message).toBe('generation 2: best 0.7, mean 0.3333 (3 individuals)')
    expect(await codeOf(store.tag('paper-fig-3', 2))).toBe('E_REF_EXISTS')
    expect(await codeOf(store.tag('bad..name', 2))).toBe('E_INVALID_REF_NAME')
    expect(await codeOf(store.tag('ok', 9))).toBe('E_GENERATION_NOT_FOUND')
    git(dir, 'fsck', '--strict', '--no-progress')
  })
})

describe('log', () => {
  it('returns one entry per generation, newest first, with statistics from the trailers', async () => {
    const { store, commits } = await seeded(4)
    await store.saveGeneration(3, population(3, 30), { scores: [1, 2, 3], overwrite: true })
    const entries = await store.log()
    expect(entries.map((e) => e.generation)).toEqual([3, 2, 1, 0])
    expect(entries[1]).toMatchObject({ commit: commits[2], generation: 2, populationSize: 3, stats: { score: { max: 0.7, count: 3 } } })
    expect(entries[0]!.stats['score']!.max).toBe(3)
    expect(entries[0]!.time).toMatch(/^2026-01-01T00:00:\d\d\.000Z$/)
    expect((await store.log({ limit: 2 })).map((e) => e.generation)).toEqual([3, 2])
    expect((await store.log({ ref: commits[1]! })).map((e) => e.generation)).toEqual([1, 0])
  })
})

describe('diff', () => {
  it('reports added, removed and changed individuals by key, with changed fields and stats deltas', async () => {
    const store = await openStore({ dir: tempDir(), schema: personaSchema })
    const a = [persona(1), persona(2), persona(3)]
    const b = [persona(1), { ...persona(2), age: 60, personality_traits: { openness: 0.2, neuroticism: 0.4, grit: 0.5 } }, persona(4)]
    await store.saveGeneration(0, a, { scores: [1, 2, 3] })
    await store.saveGeneration(1, b, { scores: [2, 3, 5] })
    const d = await store.diff(0, 1)
    expect(d.key).toBe('name')
    expect(d.added.map((x) => x.key)).toEqual(['Persona 4'])
    expect(d.removed.map((x) => x.key)).toEqual(['Persona 3'])
    expect(d.unchanged).toBe(1)
    expect(d.changed).toEqual([
      {
        key: 'Persona 2',
        fields: [
          { path: ['age'], old: 22, new: 60 },
          { path: ['personality_traits', 'grit'], old: undefined, new: 0.5 },
        ],
      },
    ])
    expect(d.stats['score']!.delta).toMatchObject({ max: 2, min: 1, count: 0 })
    expect(d.from).toMatchObject({ ref: 'main', generation: 0 })
    await store.branch('exp', { from: 0, checkout: true })
    await store.saveGeneration(1, [persona(9)])
    const across = await store.diff({ ref: 'main', generation: 1 }, { ref: 'exp', generation: 1 }, { key: 'occupation' })
    expect(across.key).toBe('occupation')
    expect(across.to.ref).toBe('exp')
    expect(await codeOf(store.diff(0, 7))).toBe('E_GENERATION_NOT_FOUND')
    expect(await codeOf(store.diff({ ref: 'nope', generation: 0 }, 1))).toBe('E_REF_NOT_FOUND')
  })
})

describe('bad refs', () => {
  it('rejects invalid names and unknown branches with typed errors, and never escapes the repository', async () => {
    const { dir, store } = await seeded(1)
    for (const bad of ['../../x', 'a..b', 'x~1', 'x^', 'a:b', 'x@{0}', '-x', 'x.lock', 'a b', '.hidden']) {
      expect(await codeOf(store.branch(bad))).toBe('E_INVALID_REF_NAME')
      expect(await codeOf(store.checkout(bad))).toBe('E_INVALID_REF_NAME')
      expect(await codeOf(store.loadGeneration(0, { ref: bad }))).toBe('E_INVALID_REF_NAME')
    }
    expect(await codeOf(store.checkout('missing'))).toBe('E_REF_NOT_FOUND')
    expect(await codeOf(store.listGenerations({ ref: 'missing' }))).toBe('E_REF_NOT_FOUND')
    expect(await codeOf(store.branch('main'))).toBe('E_REF_EXISTS')
    expect(await codeOf(store.branch('x', { from: 5 }))).toBe('E_GENERATION_NOT_FOUND')
    expect(await codeOf(store.restoreArchive('main/nope'))).toBe('E_REF_NOT_FOUND')
    expect(existsSync(join(dir, '..', 'x'))).toBe(false)
    expectCleanRepo(dir)
  })
})

describe('saving onto another branch', () => {
  it('commits to the named branch only, leaving HEAD, the index and the working tree alone', async () => {
    const { dir, store, commits } = await seeded(2)
    await store.branch('island', { from: 0 })
    const saved = await store.saveGeneration(1, population(2, 40), { branch: 'island', meta: { island: true } })
    expect(saved.branch).toBe('island')
    expect(saved.parent).toEqual({ generation: 0, commit: commits[0] })
    expect(git(dir, 'rev-parse', 'island').trim()).toBe(saved.commit)
    expect(git(dir, 'rev-parse', 'main').trim()).toBe(commits[1])
    expect(await store.loadGeneration(1)).toEqual(population(3, 1))
    expect(await store.loadGeneration(1, { ref: 'island' })).toEqual(population(2, 40))
    expectCleanRepo(dir)
    // Naming the checked-out branch is an ordinary save.
    await store.saveGeneration(2, population(1), { branch: 'main' })
    expect(existsSync(join(dir, 'gen_2.json'))).toBe(true)
    expectCleanRepo(dir)
    expect(await codeOf(store.saveGeneration(3, population(1), { branch: 'missing' }))).toBe('E_REF_NOT_FOUND')
    expect(await codeOf(store.saveGeneration(3, population(1), { branch: '../x' }))).toBe('E_INVALID_REF_NAME')
    expect(await codeOf(store.saveGeneration(1, population(1), { branch: 'island' }))).toBe('E_GENERATION_EXISTS')
  })
})
