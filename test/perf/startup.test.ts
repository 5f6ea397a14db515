import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { commandNameOf } from '../../src/cli/program.js'
import { canonicalConfigName, parseGitConfig } from '../../src/git/config.js'
import { openStore } from '../../src/index.js'
import { git, tempDir } from '../helpers.js'
import { BIN, evogit } from '../cli/run-cli.js'

/**
 * What makes start-up cheap must not change what is read. The config reader that replaced
 * isomorphic-git's on the open path is checked against native `git config --get` on a file that
 * uses the format's corners; the lazily built command line against the words it is given.
 */
describe('git config reader', () => {
  const TEXT = [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tbare = false',
    '[User]',
    '\tName = "  Ada  \\"the\\" Lovelace " # a comment',
    '\temail = ada@example.org ; another',
    '[remote "Origin"]',
    '\turl = https://example.org/a.git',
    '\tfetch = +refs/heads/*:refs/remotes/Origin/*',
    '[evogit]',
    '\tformatVersion = 1',
    '\tflag',
    '\tlong = first \\',
    'second',
    '[evogit] formatVersion = 2',
    '[weird.Sub]',
    '\tkey = tab\\there',
    '',
  ].join('\n')

  it('agrees with native git on every key it is asked for', () => {
    const dir = tempDir()
    git(dir, 'init', '-q')
    const path = join(dir, '.git', 'config')
    writeFileSync(path, TEXT)
    const values = parseGitConfig(TEXT)
    for (const key of ['core.bare', 'user.name', 'USER.EMAIL', 'remote.Origin.url', 'remote.Origin.fetch', 'evogit.formatversion', 'evogit.long', 'weird.sub.key']) {
      const native = git(dir, 'config', '--file', path, '--get', key).replace(/\n$/, '')
      expect(values.get(canonicalConfigName(key)), key).toBe(native)
    }
    // A key without `=` is a boolean true (native git prints it as such when asked for a bool).
    expect(values.get('evogit.flag')).toBe(git(dir, 'config', '--file', path, '--type=bool', '--get', 'evogit.flag').trim())
    expect(values.get(canonicalConfigName('remote.origin.url'))).toBeUndefined()
  })

  it('reads what the store and native git wrote, through the open path', async () => {
    const dir = tempDir()
    await openStore({ dir })
    git(dir, 'config', 'user.name', 'Grace "G" Hopper')
    git(dir, 'config', 'user.email', 'grace@example.org')
    const reopened = await openStore({ dir })
    const saved = await reopened.saveGeneration(0, [{ a: 1 }])
    expect((await reopened.log())[0]?.commit).toBe(saved.commit)
    expect(git(dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe('Grace "G" Hopper <grace@example.org>')
  })
})

describe('commandNameOf', () => {
  it('finds the command after global options, and none for help or typos', () => {
    expect(commandNameOf(['list'])).toBe('list')
    expect(commandNameOf(['--dir', 'log', 'list', '--ref', 'x'])).toBe('list')
    expect(commandNameOf(['--json', '--schema', 'persona', 'save', '0', 'f.json'])).toBe('save')
    expect(commandNameOf(['--dir=runs', 'resume', '--json'])).toBe('resume')
    expect(commandNameOf(['--help'])).toBeUndefined()
    expect(commandNameOf(['help', 'list'])).toBeUndefined()
    expect(commandNameOf(['lsit'])).toBeUndefined()
    expect(commandNameOf([])).toBeUndefined()
  })
})

describe('formatUtc', () => {
  it('writes what date-fns writes, for every year its fast path covers and beyond', async () => {
    const { format } = await import('date-fns/format')
    const { UTCDate } = await import('@date-fns/utc')
    const { formatUtc } = await import('../../src/model/time.js')
    const viaDateFns = (d: Date) => format(new UTCDate(d.getTime()), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
    const fc = await import('fast-check')
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(0, 0, 1) - 86_400_000 * 366 * 10, max: Date.UTC(12000, 0, 1) }), (ms) => {
        const d = new Date(ms)
        expect(formatUtc(d)).toBe(viaDateFns(d))
      }),
      { numRuns: 2000 },
    )
    for (const d of [new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), new Date(Date.UTC(10000, 0, 1)), new Date(0)]) expect(formatUtc(d)).toBe(viaDateFns(d))
  })
})

/**
 * What each short command loads, from the built binary (issue #14, target 6). A probe module
 * given through NODE_OPTIONS logs every file node loads and, at exit, whether zod ran (zod 4 sets
 * `globalThis.__zod_globalConfig` when its core module is evaluated, bundled or not).
 */
describe('the built binary loads only what a command needs', () => {
  function probe(): string {
    const dir = tempDir('evogit-probe-')
    const hooks = join(dir, 'hooks.mjs')
    writeFileSync(hooks, "export async function load(url, context, next) { process.stderr.write('LOAD ' + url + '\\n'); return next(url, context) }\n")
    const entry = join(dir, 'probe.mjs')
    writeFileSync(
      entry,
      [
        "import { register } from 'node:module'",
        `register(${JSON.stringify(pathToFileURL(hooks).href)})`,
        "process.on('exit', () => process.stderr.write('ZOD ' + (globalThis.__zod_globalConfig === undefined ? 'no' : 'yes') + '\\n'))",
        '',
      ].join('\n'),
    )
    return `--import=${pathToFileURL(entry).href}`
  }

  async function loads(args: string[], cwd: string, nodeOptions: string): Promise<{ files: string[]; zod: boolean; stdout: string }> {
    const r = await evogit(args, { cwd, env: { NODE_OPTIONS: nodeOptions } })
    expect(r.code, r.stderr).toBe(0)
    const files = [...r.stderr.matchAll(/^LOAD (\S+)$/gm)].map((m) => m[1]!).filter((u) => !u.startsWith('node:') && !u.includes('/evogit-probe-'))
    const zod = /^ZOD (yes|no)$/m.exec(r.stderr)?.[1]
    expect(zod, r.stderr).toBeDefined()
    return { files, zod: zod === 'yes', stdout: r.stdout }
  }

  it('--help, list, log and resume load one file of ours and no dependency from node_modules', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    for (let g = 0; g < 3; g++) await store.saveGeneration(g, [{ a: g }], { scores: [g], meta: { seed: 12345678901234567890n } })
    const nodeOptions = probe()
    const bin = pathToFileURL(BIN).href

    const help = await loads(['--help'], dir, nodeOptions)
    expect(help.stdout).toContain('resume')
    expect(help.files).toEqual([bin])
    // Registering every command must not build a single zod schema.
    expect(help.zod).toBe(false)

    for (const args of [['list'], ['log', '-n', '10'], ['resume', '--json']]) {
      const run = await loads(args, dir, nodeOptions)
      // Not isomorphic-git, vega, cli-progress nor date-fns: what these commands need is bundled in, and nothing more is loaded.
      expect(run.files, args.join(' ')).toEqual([bin])
    }
    // The exact RNG seed survives the bundled lossless-json, digit for digit.
    expect((await loads(['resume', '--json'], dir, nodeOptions)).stdout).toContain('12345678901234567890')
  })

  it('a command that needs a dependency still finds it in node_modules', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }], { scores: [1] })
    const run = await loads(['report', '-o', join(dir, 'r.html')], dir, probe())
    // The report's charts need vega, which stays out of the bundle: it loads from node_modules,
    // beside it, and only for the command that draws.
    expect(run.files.some((u) => u.includes('/node_modules/vega/'))).toBe(true)
    expect(run.files.filter((u) => u.includes('/dist/src/') && !u.endsWith('/dist/src/cli/main.js'))).toEqual([])
  })
})
