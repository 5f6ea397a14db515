import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { useGitServer } from '../git-server.js'
import { codeOf, errorOf, expectCleanRepo, fixedClock, git, gitBlob, population, tempDir } from '../helpers.js'

const served = useGitServer()

describe('sharing runs through an ordinary git server (native git http-backend on 127.0.0.1)', () => {
  it('pushes, pulls and fast-forwards between two machines, and native git clones what we pushed', async () => {
    const a = await openStore({ dir: tempDir(), schema: personaSchema, clock: fixedClock() })
    for (let g = 0; g < 3; g++) await a.saveGeneration(g, population(3, g), { scores: [1, 2, g], meta: { seed: g } })
    await a.setRemote('origin', served.server().url('run.git'))
    await a.tag('best', 2)
    const pushed = await a.push({ tags: true })
    expect(pushed.refs).toEqual(['refs/heads/main', 'refs/tags/best'])
    git(join(served.root(), 'run.git'), 'fsck', '--strict', '--no-progress')

    const cloneDir = join(tempDir(), 'clone')
    // Async: the server lives in this process, so a blocking child would deadlock it.
    await promisify(execFile)('git', ['clone', '-q', served.server().url('run.git'), cloneDir], { cwd: served.root() })
    expect(git(cloneDir, 'log', '--format=%(trailers:key=Generation,valueonly,separator=)').trim().split('\n')).toEqual(['2', '1', '0'])
    expect(git(cloneDir, 'tag').trim()).toBe('best')

    const bDir = tempDir()
    const b = await openStore({ dir: bDir, schema: personaSchema, clock: fixedClock(Date.UTC(2026, 5, 1)) })
    await b.setRemote('origin', served.server().url('run.git'))
    expect(await b.pull({ branch: 'main' })).toMatchObject({ branch: 'main', outcome: 'created' })
    expect(await b.listGenerations()).toEqual([0, 1, 2])
    expect(readFileSync(join(bDir, 'gen_2.json')).equals(gitBlob(a.dir, 'HEAD', 'gen_2.json'))).toBe(true)
    expect((await b.loadMetadata(1))!.meta).toEqual({ seed: 1 })
    expect((await b.tags()).map((t) => t.name)).toEqual(['best'])
    expectCleanRepo(bDir)

    await b.saveGeneration(3, population(3, 3))
    await b.push()
    expect(await a.pull()).toMatchObject({ outcome: 'fast-forward' })
    expect(await a.listGenerations()).toEqual([0, 1, 2, 3])
    expect(await b.pull()).toMatchObject({ outcome: 'up-to-date' })
    expectCleanRepo(a.dir)
    expect(served.server().requests()).toBeGreaterThan(5)
  })

  it('never lets two writers erase each other: the second push is refused and the pull reports divergence', async () => {
    const a = await openStore({ dir: tempDir(), schema: personaSchema, clock: fixedClock() })
    await a.saveGeneration(0, population(2))
    await a.setRemote('origin', served.server().url('run.git'))
    await a.push()
    const b = await openStore({ dir: tempDir(), schema: personaSchema, clock: fixedClock(Date.UTC(2026, 5, 1)) })
    await b.setRemote('origin', served.server().url('run.git'))
    await b.pull({ branch: 'main' })

    const fromA = await a.saveGeneration(1, population(2, 10))
    const fromB = await b.saveGeneration(1, population(2, 20))
    await a.push()
    const rejected = await errorOf(b.push())
    expect(rejected.code).toBe('E_REMOTE_REJECTED')
    expect(git(join(served.root(), 'run.git'), 'rev-parse', 'main').trim()).toBe(fromA.commit)

    const diverged = await errorOf<{ local: string; remote: string }>(b.pull())
    expect(diverged.code).toBe('E_DIVERGED')
    expect(diverged.data).toEqual({ branch: 'main', local: fromB.commit, remote: fromA.commit })
    // Both lines are intact and readable on B: its own, and the remote's.
    expect(await b.loadGeneration(1)).toEqual(population(2, 20))
    expect(await b.loadGeneration(1, { ref: 'origin/main' })).toEqual(population(2, 10))
    await b.branch('island-b', { from: fromB.commit })
    await b.push({ branch: 'island-b' })
    expect(git(join(served.root(), 'run.git'), 'for-each-ref', '--format=%(refname:short)', 'refs/heads/').trim().split('\n')).toEqual(['island-b', 'main'])
  })

  it('keeps credentials out of .git/config and out of error messages', async () => {
    const store = await openStore({ dir: tempDir() })
    await store.saveGeneration(0, [{ a: 1 }])
    expect(await codeOf(store.setRemote('origin', 'http://me:s3cret@127.0.0.1:1/run.git'))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.setRemote('origin', 'file:///etc'))).toBe('E_INVALID_ARGUMENT')
    expect(await codeOf(store.setRemote('../x', served.server().url('run.git')))).toBe('E_INVALID_REF_NAME')
    await store.setRemote('origin', served.server().url('run.git'))
    await store.push({ onAuth: () => ({ username: 'me', password: 's3cret' }) })
    expect(readFileSync(join(store.dir, '.git', 'config'), 'utf8')).not.toContain('s3cret')
    const unreachable = await errorOf(store.push({ url: 'http://me:s3cret@127.0.0.1:1/run.git' }))
    expect(unreachable.code).toBe('E_REMOTE')
    expect(unreachable.message).not.toContain('s3cret')
    expect(JSON.stringify(unreachable.data)).not.toContain('s3cret')
  })
})
