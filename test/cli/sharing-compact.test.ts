import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { useGitServer } from '../git-server.js'
import { expectCleanRepo, git, population, tempDir } from '../helpers.js'
import { evogit } from './run-cli.js'

const served = useGitServer()

describe('evogit remote / push / pull / compact', () => {
  it('shares a run through a git server and compacts it, from the real binary', async () => {
    const a = tempDir()
    const store = await openStore({ dir: a, schema: personaSchema })
    for (let g = 0; g < 4; g++) await store.saveGeneration(g, population(20, g), { scores: Array.from({ length: 20 }, (_, i) => i) })
    expect((await evogit(['remote', 'origin', served.server().url('run.git')], { cwd: a })).code).toBe(0)
    const secret = await evogit(['remote', 'x', 'http://me:pw@127.0.0.1:1/r.git', '--json'], { cwd: a })
    expect(secret.code).toBe(2)
    expect(secret.stderr).not.toContain(':pw@')
    const pushed = await evogit(['push', '--json'], { cwd: a, env: { EVOGIT_TOKEN: 'tok3n' } })
    expect(pushed.code, pushed.stderr).toBe(0)
    expect(pushed.json<{ refs: string[] }>().refs).toEqual(['refs/heads/main'])
    expect(git(join(served.root(), 'run.git'), 'rev-parse', 'main').trim()).toBe(git(a, 'rev-parse', 'main').trim())

    const b = join(tempDir(), 'b')
    expect((await evogit(['init', b], { cwd: served.root() })).code).toBe(0)
    expect((await evogit(['remote', 'origin', served.server().url('run.git')], { cwd: b })).code).toBe(0)
    const pulled = await evogit(['pull', '--branch', 'main', '--json'], { cwd: b })
    expect(pulled.code, pulled.stderr).toBe(0)
    expect(pulled.json<{ outcome: string }>().outcome).toBe('created')
    expect((await evogit(['list', '--json'], { cwd: b })).json()).toMatchObject({ generations: [0, 1, 2, 3] })

    const compacted = await evogit(['compact', '--window', '20', '--json'], { cwd: b })
    expect(compacted.code, compacted.stderr).toBe(0)
    const result = compacted.json<{ compacted: boolean; after: { looseObjects: number; packs: number } }>()
    expect(result).toMatchObject({ compacted: true, after: { looseObjects: 0, packs: 1 } })
    expect((await evogit(['compact', '--window', '0'], { cwd: b })).code).toBe(2)
    expectCleanRepo(b)
  })
})
