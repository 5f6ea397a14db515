import { execFileSync } from 'node:child_process'
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { evogit, ok } from '../cli/run-cli.js'
import { errorOf, expectCleanRepo, git, gitBlob, tempDir } from '../helpers.js'

const ENGINE = resolve(import.meta.dirname, '../fixtures/python_engine.py')
const pythonRun = (dir: string, ...args: string[]) => execFileSync('python3', [ENGINE, dir, ...args], { encoding: 'utf8' })

/** A store the original engine wrote 3 generations into and that evogit adopted. */
async function adoptedRun(): Promise<string> {
  const dir = tempDir()
  pythonRun(dir, '--generations', '3')
  await ok(['init', dir], { cwd: dir })
  return dir
}

describe('status, add and verify beside the original engine', () => {
  it('lists what the engine wrote since, with what to do, and verify stops saying OK', async () => {
    const dir = await adoptedRun()
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('') // lock files are excluded
    pythonRun(dir, '--generations', '1', '--start', '3', '--seed', '9')
    writeFileSync(join(dir, 'gen_1.json'), readFileSync(join(dir, 'gen_1.json'), 'utf8').replace('Persona', 'Edited'))
    rmSync(join(dir, 'gen_2.json'))
    const report = (await ok(['status', '--json'], { cwd: dir })).json<{ clean: boolean; entries: { path: string; state: string; action: string }[] }>()
    expect(report.clean).toBe(false)
    const byPath = new Map(report.entries.map((e) => [e.path, e]))
    expect(byPath.get('gen_3.json')).toMatchObject({ state: 'untracked', action: expect.stringContaining('evogit add 3') as unknown })
    expect(byPath.get('transcripts_gen_3.json')).toMatchObject({ state: 'untracked' })
    expect(byPath.get('generation_stats.jsonl')).toMatchObject({ state: 'modified' })
    expect(byPath.get('gen_1.json')).toMatchObject({ state: 'modified', action: expect.stringContaining('evogit add 1 --overwrite') as unknown })
    expect(byPath.get('gen_2.json')).toMatchObject({ state: 'deleted' })
    expect(byPath.get('gen_3.json.lock')).toMatchObject({ state: 'released' })
    const text = (await ok(['status'], { cwd: dir })).stdout
    expect(text).toContain('evogit add 3')
    const verify = await evogit(['verify'], { cwd: dir })
    expect(verify.code).toBe(6)
    expect(verify.stdout).not.toMatch(/^OK/)
    expect(verify.stdout).toContain('MODIFIED ON DISK')
    expect(verify.stdout).toContain('warning: gen_1.json modified')
  })

  it('add commits each new generation byte for byte with its companions, one commit each, in order', async () => {
    const dir = await adoptedRun()
    pythonRun(dir, '--generations', '3', '--start', '3', '--seed', '9')
    const run = await ok(['add', '--json'], { cwd: dir })
    const result = run.json<{ committed: { generation: number; companions: string[] }[] }>()
    expect(result.committed.map((c) => c.generation)).toEqual([3, 4, 5])
    expect(result.committed[0]!.companions).toEqual(['transcripts_gen_3.json'])
    expect(result.committed[2]!.companions).toEqual(['transcripts_gen_5.json', 'generation_stats.jsonl'])
    for (const g of [3, 4, 5]) expect(gitBlob(dir, 'HEAD', `gen_${g}.json`).equals(readFileSync(join(dir, `gen_${g}.json`)))).toBe(true)
    expect(git(dir, 'log', '--format=%(trailers:key=Generation,valueonly,separator=)', '-3').trim().split('\n')).toEqual(['5', '4', '3'])
    expectCleanRepo(dir)
    expect((await ok(['add', '--json'], { cwd: dir })).json()).toMatchObject({ committed: [] })
  })

  it('scores come from --scores or --score-field; a modified generation needs --overwrite and keeps its history', async () => {
    const dir = await adoptedRun()
    pythonRun(dir, '--generations', '1', '--start', '3', '--seed', '9')
    writeFileSync(join(dir, 's.json'), JSON.stringify([0.1, 0.9, 0.5, 0.3]))
    await ok(['add', '3', '--scores', 's.json'], { cwd: dir })
    rmSync(join(dir, 's.json'))
    const store = await openStore({ dir, schema: personaSchema })
    expect((await store.loadMetadata(3))!.stats.score?.max).toBe(0.9)
    const before = git(dir, 'rev-parse', 'HEAD').trim()
    const edited = readFileSync(join(dir, 'gen_1.json'), 'utf8').replace('Persona', 'Edited')
    writeFileSync(join(dir, 'gen_1.json'), edited)
    const refused = await evogit(['add', '1'], { cwd: dir })
    expect(refused.code).toBe(4)
    expect(refused.stderr).toContain('--overwrite')
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(before)
    await ok(['add', '1', '--overwrite', '--score-field', 'age'], { cwd: dir })
    expect(gitBlob(dir, 'HEAD', 'gen_1.json').toString()).toBe(edited)
    expect(gitBlob(dir, before, 'gen_1.json').toString()).not.toBe(edited)
    expect((await store.loadMetadata(1))!.stats.score?.count).toBe(4)
    const err = await errorOf(store.commitWorkingFiles({ generations: [3, 1], scores: [1, 2, 3, 4] }))
    expect(err.code).toBe('E_INVALID_ARGUMENT')
    expectCleanRepo(dir)
  })

  it('a schema failure names the file and individual and commits nothing', async () => {
    const dir = await adoptedRun()
    pythonRun(dir, '--generations', '2', '--start', '3', '--seed', '9')
    const bad = JSON.parse(readFileSync(join(dir, 'gen_4.json'), 'utf8')) as Record<string, unknown>[]
    delete bad[1]!.goals
    writeFileSync(join(dir, 'gen_4.json'), JSON.stringify(bad))
    const head = git(dir, 'rev-parse', 'HEAD').trim()
    const run = await evogit(['add', '--schema', 'persona'], { cwd: dir })
    expect(run.code).toBe(5)
    expect(run.stderr).toContain('gen_4.json')
    expect(run.stderr).toContain('individual 1')
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(head)
    appendFileSync(join(dir, 'generation_stats.jsonl'), '{"generation": 5}\n')
    expect((await ok(['add', '3', '--json'], { cwd: dir })).json()).toMatchObject({ committed: [{ generation: 3, companions: ['transcripts_gen_3.json', 'generation_stats.jsonl'] }] })
  })
})
