import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { openStore, personaSchema } from '../../src/index.js'
import { describeIds } from '../../src/model/id-ranges.js'
import { BIN, evogit, ok } from '../cli/run-cli.js'
import { errorOf, expectCleanRepo, git, gitBlob, tempDir } from '../helpers.js'

const ENGINE = resolve(import.meta.dirname, '../fixtures/python_engine.py')

/** Runs the original engine (unchanged PersonaStore) into `dir`. */
function pythonRun(dir: string, ...args: string[]): string {
  return execFileSync('python3', [ENGINE, dir, ...args], { encoding: 'utf8' })
}

function bytesOf(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).filter((n) => n !== '.git' && n !== '.evogit').map((n) => [n, readFileSync(join(dir, n))]))
}

describe('adopt and import keep the original bytes', () => {
  it('adopting in place commits every gen file byte for byte, with its mtime, and leaves the files untouched', async () => {
    const dir = tempDir()
    pythonRun(dir, '--generations', '6', '--version', 'v1')
    const mtimes = new Map(readdirSync(dir).map((n) => [n, new Date(Number(statSync(join(dir, n), { bigint: true }).mtimeNs / 1_000_000n))]))
    const before = bytesOf(dir)
    const started = Date.now()
    const run = await ok(['init', dir, '--schema', 'persona', '--json'], { cwd: dir })
    expect(run.json()).toMatchObject({ status: 'adopted', generations: [0, 1, 2, 3, 4, 5] })
    for (let g = 0; g < 6; g++) {
      // The originals hold `1.0`, `\u3055` and no trailing newline: none of it may change.
      expect(gitBlob(dir, 'HEAD', `gen_${g}.json`).equals(before.get(`gen_${g}.json`)!)).toBe(true)
      expect(readFileSync(join(dir, `gen_${g}.json`)).equals(before.get(`gen_${g}.json`)!)).toBe(true)
      expect(gitBlob(dir, 'HEAD', `transcripts_gen_${g}.json`).equals(before.get(`transcripts_gen_${g}.json`)!)).toBe(true)
    }
    expect(before.get('gen_0.json')!.toString()).toContain('\\u3055')
    expect(gitBlob(dir, 'HEAD', 'generation_stats.jsonl').equals(before.get('generation_stats.jsonl')!)).toBe(true)
    const store = await openStore({ dir, schema: personaSchema })
    const sidecar = (await store.loadMetadata(3))!
    expect(sidecar.source).toEqual({ file: 'gen_3.json', modifiedAt: mtimes.get('gen_3.json')!.toISOString(), via: 'adopt', companions: ['transcripts_gen_3.json'] })
    expect(Date.parse(sidecar.savedAt)).toBeGreaterThanOrEqual(started - 1000)
    expect((await store.loadGeneration(2)).map((p) => p.name)).toEqual((JSON.parse(before.get('gen_2.json')!.toString()) as { name: string }[]).map((p) => p.name))
    expectCleanRepo(dir)
  })

  it('importing from another directory keeps the bytes too, and re-running changes nothing', async () => {
    const from = tempDir()
    pythonRun(from, '--generations', '4')
    const dir = join(tempDir(), 'store')
    await ok(['import', from, '--dir', dir, '--schema', 'persona'], { cwd: from })
    for (let g = 0; g < 4; g++) expect(gitBlob(dir, 'HEAD', `gen_${g}.json`).equals(readFileSync(join(from, `gen_${g}.json`)))).toBe(true)
    const again = await ok(['import', from, '--dir', dir, '--schema', 'persona', '--json'], { cwd: from })
    expect(again.json()).toMatchObject({ imported: [], unchanged: [0, 1, 2, 3] })
    expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('4')
    expect((await (await openStore({ dir })).loadMetadata(0))!.source?.via).toBe('import')
    expectCleanRepo(dir)
  })

  it('a refused adopt leaves the directory exactly as it was, with no .git, and names the file and the individual', async () => {
    const dir = tempDir()
    pythonRun(dir, '--generations', '5')
    const bad = JSON.parse(readFileSync(join(dir, 'gen_3.json'), 'utf8')) as Record<string, unknown>[]
    bad[2]!.age = 'forty'
    writeFileSync(join(dir, 'gen_3.json'), JSON.stringify(bad))
    const before = bytesOf(dir)
    const run = await evogit(['init', dir, '--schema', 'persona'], { cwd: dir })
    expect(run.code).toBe(5)
    expect(run.stderr).toContain('gen_3.json')
    expect(run.stderr).toContain('individual 2')
    expect(run.stderr).toContain('age')
    expect(existsSync(join(dir, '.git'))).toBe(false)
    expect(bytesOf(dir)).toEqual(before)
    const err = await errorOf<{ file: string; issues: { index: number; path: string[] }[] }>(openStore({ dir, adopt: true, schema: personaSchema }))
    expect(err.code).toBe('E_INVALID_POPULATION')
    expect(err.data).toMatchObject({ file: 'gen_3.json', issues: [{ index: 2, path: ['age'] }] })
    expect(existsSync(join(dir, '.git'))).toBe(false)
    // Not JSON at all: the file is named as well.
    writeFileSync(join(dir, 'gen_3.json'), '[{"name": NaN}]')
    const nan = await evogit(['init', dir], { cwd: dir })
    expect(nan.code).toBe(5)
    expect(nan.stderr).toMatch(/gen_3\.json is not valid JSON.*NaN/)
    expect(existsSync(join(dir, '.git'))).toBe(false)
  })

  it('a schema that strips fields no longer blocks adopting: the file is committed as it is', async () => {
    const dir = tempDir()
    const original = JSON.stringify([{ name: 'x', secret_notes: 'keep me', score: 3 }])
    writeFileSync(join(dir, 'gen_0.json'), original)
    await openStore({ dir, adopt: true, schema: z.object({ name: z.string() }) })
    expect(readFileSync(join(dir, 'gen_0.json'), 'utf8')).toBe(original)
    expect(gitBlob(dir, 'HEAD', 'gen_0.json').toString()).toBe(original)
  })

  it('init refuses a non-empty directory without gen_*.json unless --adopt', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'readme.txt'), 'my notes\n')
    const run = await evogit(['init', dir], { cwd: dir })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('not empty')
    expect(run.stderr).toContain('evogit init --adopt')
    expect((await evogit(['init', dir, '--json'], { cwd: dir })).stderr).toContain('"code":"E_NOT_A_STORE"')
    expect(existsSync(join(dir, '.git'))).toBe(false)
    await ok(['init', dir, '--adopt'], { cwd: dir })
    expect(existsSync(join(dir, '.git'))).toBe(true)
    expect(readFileSync(join(dir, 'readme.txt'), 'utf8')).toBe('my notes\n')
  })

  it('an adopt interrupted by Ctrl-C is finished by running the same command again', async () => {
    const dir = tempDir()
    pythonRun(dir, '--generations', '80', '--size', '2', '--version', 'v1')
    const before = bytesOf(dir)
    const child = spawn(process.execPath, [BIN, 'init', dir], { cwd: dir, env: { ...process.env, HOME: dir }, stdio: 'ignore' })
    // Interrupt once some generations are committed, as a user pressing Ctrl-C would.
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      if (existsSync(join(dir, '.git/refs/heads/main'))) break
      await new Promise((r) => setTimeout(r, 5))
    }
    await new Promise((r) => setTimeout(r, 150))
    child.kill('SIGINT')
    await new Promise((r) => child.on('exit', r))
    const partial = Number(git(dir, 'rev-list', '--count', 'HEAD').trim())
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(80)
    const again = await ok(['init', dir, '--json'], { cwd: dir })
    const result = again.json<{ status: string; committed: number[]; generations: number[] }>()
    expect(result.status).toBe('resumed')
    expect(result.committed).toEqual(Array.from({ length: 80 - partial }, (_, i) => partial + i))
    expect(result.generations).toHaveLength(80)
    expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('80')
    for (const g of [0, partial - 1, partial, 79]) expect(gitBlob(dir, 'HEAD', `gen_${g}.json`).equals(before.get(`gen_${g}.json`)!)).toBe(true)
    expect(bytesOf(dir)).toEqual(before)
    expectCleanRepo(dir)
    expect((await ok(['init', dir, '--json'], { cwd: dir })).json()).toMatchObject({ status: 'existing', committed: [] })
  }, 60_000)

  it('import and init name the gaps in what they committed', async () => {
    const from = tempDir()
    pythonRun(from, '--generations', '11')
    for (const g of [4, 6, 7, 8, 9]) execFileSync('rm', [join(from, `gen_${g}.json`)])
    const dir = join(tempDir(), 's')
    const run = await ok(['import', from, '--dir', dir], { cwd: from })
    expect(run.stdout).toContain('0–10, missing 4, 6–9')
    const adopted = tempDir()
    mkdirSync(adopted, { recursive: true })
    for (const g of [0, 1, 2, 5]) writeFileSync(join(adopted, `gen_${g}.json`), readFileSync(join(from, `gen_${g}.json`)))
    expect((await ok(['init', adopted], { cwd: adopted })).stdout).toContain('0–5, missing 3–4')
  })
})

describe('describeIds', () => {
  it('spells out spans and the gaps inside them', () => {
    expect(describeIds([0, 1, 2, 3, 5, 10])).toBe('0–10, missing 4, 6–9')
    expect(describeIds([0, 1, 2])).toBe('0–2')
    expect(describeIds([7])).toBe('7')
    expect(describeIds([])).toBe('none')
    expect(describeIds([3, 1, 1, 2])).toBe('1–3')
    expect(describeIds(Array.from({ length: 40 }, (_, i) => i * 2))).toMatch(/^0–78, missing 1, 3, 5, 7, 9, 11, 13, 15, … \(39 gaps\)$/)
  })
})
