import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Repository } from '../../src/git/repository.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { openStore, personaSchema } from '../../src/index.js'
import { expectCleanRepo, fixedClock, git, gitBlob, persona, population, tempDir } from '../helpers.js'

/** Bytes of gen_<g>.json at `rev`, read through our own object reader (loose or packed). */
async function ourBytes(dir: string, rev: string, g: number): Promise<Buffer> {
  const repo = Repository.open({ fs: nodeStoreFs, dir })
  const commit = git(dir, 'rev-parse', rev).trim()
  const entry = await repo.entryAt((await repo.readCommit(commit)).tree, `gen_${g}.json`)
  return repo.objects.readTyped(entry!.oid, 'blob')
}

describe('interoperability with native git', () => {
  it('reads a generation edited and committed by hand, and keeps saving on top of it', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    const commits: string[] = []
    for (let g = 0; g < 3; g++) commits.push((await store.saveGeneration(g, population(2, g), { scores: [1, 2] })).commit)
    const edited = population(2, 1)
    edited[0] = { ...edited[0]!, name: 'Renamed by hand', hobbies: ['knitting'] }
    writeFileSync(join(dir, 'gen_1.json'), JSON.stringify(edited))
    git(dir, 'commit', '-qam', 'fix a persona by hand')
    const handCommit = git(dir, 'rev-parse', 'HEAD').trim()
    expect(await store.loadGeneration(1)).toEqual(edited)
    expect(await store.listGenerations()).toEqual([0, 1, 2])
    expect((await store.log()).map((e) => e.generation)).toEqual([2, 1, 0])
    // The commit that saved today's version of generation 1 is the hand-made one: a tag marks it…
    expect((await store.tag('hand-fixed', 1)).commit).toBe(handCommit)
    // …while branching "at generation 1" starts where 1 was the newest, before generation 2.
    expect((await store.branch('from-1', { from: 1 })).commit).toBe(commits[1])
    // A generation added by hand, with no sidecar, still resumes (with meta null).
    writeFileSync(join(dir, 'gen_3.json'), JSON.stringify([persona(99)]))
    git(dir, 'add', 'gen_3.json')
    git(dir, 'commit', '-qm', 'add generation 3 by hand')
    expect(await store.loadMetadata(3)).toBeNull()
    expect(await store.resume()).toMatchObject({ generation: 3, meta: null, sidecar: null, population: [persona(99)] })
    const saved = await store.saveGeneration(4, population(2, 4))
    expect(saved.parent).toEqual({ generation: null, commit: git(dir, 'rev-parse', 'HEAD~1').trim() })
    expectCleanRepo(dir)
  })

  it('reads every generation back byte-identical after git gc --aggressive, and saves on top of packs', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    let pop = population(40)
    const saved: Buffer[] = []
    for (let g = 0; g < 25; g++) {
      // 20% of individuals mutate per generation, the rest are kept: deep delta chains for git.
      pop = pop.map((p, i) => ((i + g) % 5 === 0 ? { ...p, age: 18 + ((p.age + g) % 60), backstory: `${p.backstory} g${g}` } : p))
      await store.saveGeneration(g, pop, { scores: pop.map((_, i) => i / 40) })
      saved.push(readFileSync(join(dir, `gen_${g}.json`)))
    }
    git(dir, 'gc', '--aggressive', '--prune=now', '--quiet')
    expect(git(dir, 'count-objects', '-v')).toMatch(/^count: 0$/m)
    expect(git(dir, 'verify-pack', '-v', ...execFileSync('sh', ['-c', 'ls .git/objects/pack/*.idx'], { cwd: dir, encoding: 'utf8' }).trim().split('\n'))).toMatch(/chain length = [2-9]/)
    const fresh = await openStore({ dir, schema: personaSchema })
    for (let g = 0; g < 25; g++) {
      expect((await ourBytes(dir, 'HEAD', g)).equals(saved[g]!), `generation ${g}`).toBe(true)
      expect((await ourBytes(dir, `HEAD~${24 - g}`, g)).equals(saved[g]!)).toBe(true)
    }
    expect((await fresh.loadGeneration(3, { ref: git(dir, 'rev-parse', 'HEAD~20').trim() })).length).toBe(40)
    await fresh.saveGeneration(25, pop)
    expect(gitBlob(dir, 'HEAD', 'gen_25.json').equals(readFileSync(join(dir, 'gen_25.json')))).toBe(true)
    await fresh.rollback(10)
    await fresh.branch('after-gc', { from: 5, checkout: true })
    expectCleanRepo(dir)
  })
})
