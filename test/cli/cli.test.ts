import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema, type ResumePoint, type SaveResult, type TagSummary, type VerifyReport } from '../../src/index.js'
import { EXIT_CODES } from '../../src/cli/exit-codes.js'
import { expectCleanRepo, git, persona, population, pythonReader, tempDir } from '../helpers.js'
import { evogit, ok, writeJson } from './run-cli.js'

/**
 * A store with generations 0 and 1, and options that point evogit at it. It is made through the
 * library in-process: the story test covers init and save through the binary, and every spawn
 * costs the test suite most of a second.
 */
async function storeWithTwoGenerations() {
  const root = tempDir('evogit-cli-')
  const dir = join(root, 'store')
  const store = await openStore({ dir, schema: personaSchema, durable: false })
  for (const g of [0, 1]) await store.saveGeneration(g, population(3, g), { scores: [g, 0.5, 0.25] })
  return { root, dir, o: { cwd: root, env: { EVOGIT_DIR: dir } } }
}

interface JsonError {
  error: { code: string; category: string; exitCode: number; message: string; hint?: string }
}

describe('evogit global options', () => {
  it('are recognised before or after the command name, and --dir defaults to $EVOGIT_DIR', async () => {
    const { root, dir } = await storeWithTwoGenerations()
    const before = await ok(['--dir', dir, '--json', 'list'], { cwd: root })
    const after = await ok(['list', '--json', '--dir', dir], { cwd: root })
    const fromEnv = await ok(['list', '--json'], { cwd: root, env: { EVOGIT_DIR: dir } })
    const fromCwd = await ok(['list', '--json'], { cwd: dir })
    expect(before.json()).toEqual({ ref: 'main', generations: [0, 1] })
    expect(after.stdout).toBe(before.stdout)
    expect(fromEnv.stdout).toBe(before.stdout)
    expect(fromCwd.stdout).toBe(before.stdout)
  })

  it('--help on every command shows its purpose, options and an example', async () => {
    const cwd = tempDir('evogit-cli-help-')
    const commands = ['init', 'save', 'list', 'show', 'meta', 'log', 'diff', 'branch', 'checkout', 'rollback', 'archive', 'archive restore', 'tag', 'tags', 'resume', 'import', 'verify']
    const runs = await Promise.all(commands.map((c) => ok([...c.split(' '), '--help'], { cwd })))
    runs.forEach((run, i) => {
      expect(run.stdout, commands[i]).toMatch(/^Usage: evogit /)
      expect(run.stdout, commands[i]).toMatch(/\nOptions:\n/)
      expect(run.stdout, commands[i]).toMatch(/\nExamples:\n {2}\$ evogit /)
      expect(run.stderr, commands[i]).toBe('')
    })
    const root = await ok(['--help'], { cwd })
    for (const c of commands.filter((c) => !c.includes(' '))) expect(root.stdout).toContain(`\n  ${c} `)
    expect(root.stdout).toContain('Exit codes: 0 ok, 1 internal, 2 usage, 3 not-found, 4 conflict, 5 invalid-data, 6 corrupt, 7 io, 8 locked.')
  })
})

describe('evogit errors and exit codes', () => {
  it('maps each error category to its exit code, with a message that says what to do next', async () => {
    const { root, o } = await storeWithTwoGenerations()
    const p0 = writeJson(root, 'again.json', population(3))

    const exists = await evogit(['save', '0', p0], o)
    expect(exists.code).toBe(EXIT_CODES.conflict)
    expect(exists.stdout).toBe('')
    expect(exists.stderr).toContain('generation 0 already exists on branch main')
    expect(exists.stderr).toContain('use --overwrite')
    expect(exists.stderr).toContain('branch first')

    const missing = await evogit(['show', '9', '--json'], o)
    expect(missing.code).toBe(EXIT_CODES['not-found'])
    expect(missing.stdout).toBe('')
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'E_GENERATION_NOT_FOUND', category: 'not-found', exitCode: 3 } })

    const noBranch = await evogit(['checkout', 'nope', '--json'], o)
    expect(noBranch.code).toBe(EXIT_CODES['not-found'])
    expect((JSON.parse(noBranch.stderr) as JsonError).error.code).toBe('E_REF_NOT_FOUND')

    const bad = writeJson(root, 'bad.json', [persona(0), persona(1, { age: 10 })])
    const invalid = await evogit(['save', '2', bad, '--schema', 'persona-strict'], o)
    expect(invalid.code).toBe(EXIT_CODES['invalid-data'])
    expect(invalid.stderr).toMatch(/individual 1, field age/)

    writeFileSync(join(root, 'broken.json'), '[{"name": ')
    const notJson = await evogit(['save', '2', 'broken.json', '--json'], o)
    expect(notJson.code).toBe(EXIT_CODES['invalid-data'])
    expect((JSON.parse(notJson.stderr) as JsonError).error.message).toMatch(/^population broken\.json is not valid JSON/)

    const usage = await evogit(['save', 'seven', p0, '--json'], o)
    expect(usage.code).toBe(EXIT_CODES.usage)
    expect(JSON.parse(usage.stderr)).toMatchObject({ error: { code: 'E_USAGE', category: 'usage' } })
    const unknown = await evogit(['sav'], o)
    expect(unknown.code).toBe(EXIT_CODES.usage)
    expect(unknown.stderr).toMatch(/unknown command 'sav'[\s\S]*Did you mean save\?/)
    expect((await evogit([], o)).code).toBe(EXIT_CODES.usage)
    const both = await evogit(['save', '2', p0, '--scores', p0, '--score-field', 'age'], o)
    expect(both.code).toBe(EXIT_CODES.usage)
    expect(both.stderr).toContain("option '--score-field <name>' cannot be used with option '--scores <file>'")

    const elsewhere = tempDir('evogit-cli-empty-')
    const notStore = await evogit(['log'], { cwd: elsewhere })
    expect(notStore.code).toBe(EXIT_CODES.usage)
    expect(notStore.stderr).toContain(`run evogit init ${elsewhere}`)
    // A reading command must not turn a stray directory into a repository.
    expect(() => git(elsewhere, 'rev-parse', '--git-dir')).toThrow()

    // Nothing above changed the store.
    expect((await ok(['list'], o)).stdout).toBe('0\n1\n')
    const over = (await ok(['save', '0', p0, '--overwrite', '--json'], o)).json<SaveResult>()
    expect(over.overwritten).toBe(true)
  })

  it('colors only a terminal or FORCE_COLOR, and never with NO_COLOR', async () => {
    const { o } = await storeWithTwoGenerations()
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[`)
    expect((await ok(['branch'], o)).stdout).not.toMatch(ansi)
    expect((await ok(['branch'], { ...o, env: { ...o.env, FORCE_COLOR: '1' } })).stdout).toMatch(ansi)
    expect((await ok(['branch'], { ...o, env: { ...o.env, FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toMatch(ansi)
  })
})

describe('evogit for scripts', () => {
  it('saves from stdin and resumes with the latest id and its meta', async () => {
    const root = tempDir('evogit-cli-resume-')
    const o = { cwd: root, env: { EVOGIT_DIR: join(root, 'run') } }
    await ok(['init', 'run'], { cwd: root })
    expect((await ok(['resume', '--json'], o)).json()).toEqual({ ref: 'main', generation: null, next: 0, commit: null, populationSize: 0, meta: null })

    const pop = population(2).map((p, i) => ({ ...p, fitness: i / 2 }))
    const meta = writeJson(root, 'meta.json', { seed: 7, rng: [1, 2, 3] })
    const saved = (await ok(['save', '0', '-', '--score-field', 'fitness', '--meta', meta, '--json'], { ...o, input: JSON.stringify(pop) })).json<SaveResult>()
    expect(saved.stats.score?.max).toBe(0.5)

    const point = (await ok(['resume', '--json', '--population'], o)).json<ResumePoint<unknown> & { next: number }>()
    expect(point).toMatchObject({ ref: 'main', generation: 0, next: 1, commit: saved.commit, populationSize: 2, meta: { seed: 7, rng: [1, 2, 3] } })
    expect(point.population).toEqual(pop)
    expect(git(join(root, 'run'), 'rev-parse', 'HEAD').trim()).toBe(saved.commit)

    const shownMeta = (await ok(['meta', '0'], o)).stdout
    expect(JSON.parse(shownMeta)).toEqual({ seed: 7, rng: [1, 2, 3] })
    expect(shownMeta).toMatch(/^\{\n {2}"/)
    expect((await ok(['show', '0', '--json'], o)).json()).toEqual(pop)
    const summary = await ok(['show', '0', '--summary'], o)
    expect(summary.stdout).toMatch(/generation 0 on main[\s\S]*size\s+2 individuals[\s\S]*score ↑\s+0\.5\s+0\.25/)
  })

  it('tags a generation as an annotated git tag', async () => {
    const { dir, o } = await storeWithTwoGenerations()
    const tag = (await ok(['tag', 'first', '0', '-m', 'the start', '--json'], o)).json<TagSummary>()
    expect(git(dir, 'cat-file', '-t', 'first').trim()).toBe('tag')
    expect(git(dir, 'rev-parse', 'first^{commit}').trim()).toBe(tag.commit)
    expect(tag.generation).toBe(0)
    expect((await ok(['tags'], o)).stdout).toMatch(/first\s+0\s+[0-9a-f]{7}\s+the start/)
    expect((await ok(['list', '--ref', 'first'], o)).stdout).toBe('0\n')
  })
})

describe('evogit import, init adoption and verify', () => {
  function legacyDir(root: string): string {
    const old = join(root, 'persona_data')
    mkdirSync(old)
    for (const g of [0, 1, 2]) writeFileSync(join(old, `gen_${g}.json`), JSON.stringify(population(2, g), null, 4))
    writeFileSync(join(old, 'gen_01.json'), '[]')
    return old
  }

  it('imports a PersonaStore directory one commit per generation, with progress, and re-runs as a no-op', async () => {
    const root = tempDir('evogit-cli-import-')
    const old = legacyDir(root)
    const dir = join(root, 'store')
    const first = await ok(['import', old, '--dir', dir, '--schema', 'persona', '--json'], { cwd: root })
    expect(first.json()).toMatchObject({ dir, branch: 'main', unchanged: [], skipped: ['gen_01.json'] })
    expect(first.json<{ imported: { generation: number }[] }>().imported.map((i) => i.generation)).toEqual([0, 1, 2])
    expect(first.stderr).toMatch(/^importing: 1\/3 \(generation 0\)\n(.*\n)*importing: 3\/3 \(generation 2\)\n$/)
    expect(git(dir, 'log', '--format=%s').trim().split('\n').map((s) => s.replace(/ \(.*$/, ''))).toEqual(['generation 2', 'generation 1', 'generation 0'])
    expect(pythonReader(dir).ids).toEqual([0, 1, 2])
    expectCleanRepo(dir)
    const again = await ok(['import', old, '--dir', dir], { cwd: root })
    expect(again.stdout).toMatch(/^Imported nothing .*\n3 generations already there with the same content: 0–2\nskipped \(not strictly gen_<n>\.json\): gen_01\.json\n$/)
  })

  it('init adopts such a directory in place', async () => {
    const root = tempDir('evogit-cli-adopt-')
    const old = legacyDir(root)
    const before = readFileSync(join(old, 'gen_1.json'), 'utf8')
    const init = await ok(['init', 'persona_data', '--json'], { cwd: root })
    expect(init.json()).toEqual({ dir: old, status: 'adopted', branch: 'main', generations: [0, 1, 2], committed: [0, 1, 2], modified: [] })
    expect(init.stderr).toMatch(/^adopting: 1\/3 \(generation 0\)\n(.*\n)*adopting: 3\/3 \(generation 2\)\n$/)
    expect(git(old, 'rev-list', '--count', 'HEAD').trim()).toBe('3')
    expect(JSON.parse(readFileSync(join(old, 'gen_1.json'), 'utf8'))).toEqual(JSON.parse(before))
    expect((await ok(['init', old], { cwd: root })).stdout).toBe(`${old} is an evogit store (3 generations (0–2) on main)\n`)
  })

  it('verify reports a generation broken behind its back and crash leftovers, with the corrupt exit code', async () => {
    const { dir, o } = await storeWithTwoGenerations()
    writeFileSync(join(dir, 'gen_1.json'), '[{"name": "half')
    git(dir, 'commit', '-qam', 'hand edit')
    const run = await evogit(['verify', '--json'], o)
    expect(run.code).toBe(EXIT_CODES.corrupt)
    const report = run.json<VerifyReport>()
    expect(report.ok).toBe(false)
    const broken = git(dir, 'rev-parse', 'HEAD').trim()
    expect(report.branches).toEqual([
      expect.objectContaining({ branch: 'main', commit: broken, generations: 2, problems: [expect.objectContaining({ generation: 1, code: 'E_CORRUPT_GENERATION', commit: broken, file: 'gen_1.json' })] }),
    ])
    // A git lock file left behind is a leftover of a crashed writer: reported, with the next step.
    writeFileSync(join(dir, '.git', 'refs', 'heads', 'main.lock'), '')
    const text = await evogit(['verify'], o)
    expect(text.code).toBe(EXIT_CODES.corrupt)
    expect(text.stdout).toMatch(/^BROKEN: checked 2 generations on 1 branch, 2 problems\n {2}main:1 {2}E_CORRUPT_GENERATION .*\n {2}E_STALE_GIT_LOCK {2}\.git\/refs\/heads\/main\.lock .*\nnext: evogit verify --repair/)
  })

  it('--schema loads a module that exports a zod schema, and says so when it does not', async () => {
    const { root, o } = await storeWithTwoGenerations()
    const zod = pathToFileURL(resolve(import.meta.dirname, '../../node_modules/zod/index.js')).href
    writeFileSync(join(root, 'schema.mjs'), `import * as z from '${zod}'\nexport const schema = z.looseObject({ name: z.string(), age: z.number().int().min(40) })\n`)
    writeFileSync(join(root, 'none.mjs'), 'export const answer = 42\n')
    const young = writeJson(root, 'young.json', [persona(0, { age: 41 }), persona(1, { age: 21 })])
    const rejected = await evogit(['save', '2', young, '--schema', './schema.mjs'], o)
    expect(rejected.code).toBe(EXIT_CODES['invalid-data'])
    expect(rejected.stderr).toMatch(/individual 1, field age/)
    const noSchema = await evogit(['list', '--schema', 'none.mjs', '--json'], o)
    expect(noSchema.code).toBe(EXIT_CODES.usage)
    expect((JSON.parse(noSchema.stderr) as JsonError).error.message).toContain('exports no zod schema')
    await ok(['save', '2', writeJson(root, 'old.json', [persona(0, { age: 50 })]), '--schema', 'schema.mjs'], o)
  })
})

describe('evogit save --branch, and exit codes through closed pipes', () => {
  it('saves onto another branch without checking it out', async () => {
    const dir = tempDir()
    await ok(['init', dir], { cwd: dir })
    writeJson(dir, 'g0.json', [{ a: 1 }])
    await ok(['save', '0', 'g0.json'], { cwd: dir })
    await ok(['branch', 'island-1', '--from', '0'], { cwd: dir })
    writeJson(dir, 'g1.json', [{ a: 2 }])
    const saved = (await ok(['save', '1', 'g1.json', '--branch', 'island-1', '--json'], { cwd: dir })).json<SaveResult>()
    expect(saved.branch).toBe('island-1')
    expect(git(dir, 'rev-parse', 'island-1').trim()).toBe(saved.commit)
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main')
    expect(git(dir, 'status', '--porcelain')).toBe('?? g0.json\n?? g1.json\n')
  })

  it('keeps the exit code of the error when stderr is a pipe closed by its reader', async () => {
    const dir = tempDir()
    await ok(['init', dir], { cwd: dir })
    writeJson(dir, 'bad.json', [1, 2])
    const { execFileSync } = await import('node:child_process')
    const bin = resolve(import.meta.dirname, '../../dist/src/cli/main.js')
    let status = 0
    try {
      execFileSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" save 0 bad.json 2>&1 | true`], { cwd: dir, stdio: 'ignore' })
    } catch (err) {
      status = (err as { status: number }).status
    }
    expect(status).toBe(EXIT_CODES['invalid-data'])
  })
})
