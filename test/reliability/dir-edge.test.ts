// `--dir` pointing at a file, at `/`, or through a symlink (issue #15): each a clear error or the
// behaviour the README documents, from the real binary and the library.
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { evogit, writeJson } from '../cli/run-cli.js'
import { errorOf, expectCleanRepo, git, tempDir } from '../helpers.js'

interface CliError {
  error: { code: string; message: string; hint?: string; data: { reason: string } }
}

describe('--dir at something that cannot be a store', () => {
  it('a file: every command says it is a file, suggests no init there, and leaves it alone', async () => {
    const root = tempDir()
    const file = writeJson(root, 'notes.json', [{ a: 1 }])
    const pop = writeJson(root, 'pop.json', [{ a: 2 }])
    for (const args of [['list'], ['log'], ['save', '0', pop], ['init', file], ['verify']]) {
      const run = await evogit([...args, ...(args[0] === 'init' ? [] : ['--dir', file]), '--json'], { cwd: root })
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2)
      const { error } = JSON.parse(run.stderr) as CliError
      expect(error.code).toBe('E_NOT_A_STORE')
      expect(error.data.reason).toBe('not a directory')
      expect(error.message).toContain('is a file')
      expect(error.hint ?? '').not.toContain('evogit init')
    }
    expect(readFileSync(file, 'utf8')).toBe('[{"a":1}]')
  })

  it('/: never made a store, not even by init (which adopts), and no /.git appears', async () => {
    if (existsSync('/.git')) return
    const cwd = tempDir()
    for (const args of [['init', '/'], ['list', '--dir', '/'], ['save', '0', writeJson(cwd, 'p.json', [{ a: 1 }]), '--dir', '/']]) {
      const run = await evogit([...args, '--json'], { cwd })
      expect(run.code, run.stderr).toBe(2)
      const { error } = JSON.parse(run.stderr) as CliError
      expect(error.code).toBe('E_NOT_A_STORE')
      expect(error.data.reason).toBe('root directory')
      expect(error.hint ?? '').not.toContain('evogit init /')
    }
    const err = await errorOf<{ reason: string }>(openStore({ dir: '/', adopt: true }))
    expect(err.data.reason).toBe('root directory')
    expect(existsSync('/.git')).toBe(false)
  })

  it('a dangling symlink: a clear error naming the missing target, nothing created', async () => {
    const root = tempDir()
    const link = join(root, 'run')
    symlinkSync(join(root, 'gone'), link)
    const run = await evogit(['init', link, '--json'], { cwd: root })
    expect(run.code).toBe(2)
    const { error } = JSON.parse(run.stderr) as CliError
    expect(error.code).toBe('E_NOT_A_STORE')
    expect(error.data.reason).toBe('dangling symlink')
    expect(error.message).toContain(join(root, 'gone'))
    expect(existsSync(join(root, 'gone'))).toBe(false)
    expect((await errorOf(openStore({ dir: link }))).code).toBe('E_NOT_A_STORE')
  })
})

describe('--dir through a symlink', () => {
  it('opens the store the link points to: reads and writes land there, and git sees an ordinary repository', async () => {
    const root = tempDir()
    const real = join(root, 'real', 'store')
    mkdirSync(join(root, 'real'))
    await (await openStore({ dir: real })).saveGeneration(0, [{ a: 1 }])
    symlinkSync(real, join(root, 'link'))
    symlinkSync(join(root, 'real'), join(root, 'parent-link'))
    const pop = writeJson(root, 'pop.json', [{ a: 2 }])
    expect((await evogit(['save', '1', pop, '--dir', join(root, 'link')], { cwd: root })).code).toBe(0)
    expect((await evogit(['save', '2', pop, '--dir', join(root, 'parent-link', 'store')], { cwd: root })).code).toBe(0)
    const list = await evogit(['list', '--dir', join(root, 'link'), '--json'], { cwd: root })
    expect(list.json()).toMatchObject({ generations: [0, 1, 2] })
    expect(readFileSync(join(real, 'gen_2.json'), 'utf8')).toContain('"a": 2')
    expectCleanRepo(real)
    // The link is still a link: nothing replaced it with a directory.
    expect(lstatSync(join(root, 'link')).isSymbolicLink()).toBe(true)
    expect(git(real, 'log', '--format=%s').trim().split('\n')).toHaveLength(3)
    // A new store created through a link to an empty directory lands in the target.
    mkdirSync(join(root, 'empty'))
    symlinkSync(join(root, 'empty'), join(root, 'new-link'))
    expect((await evogit(['init', join(root, 'new-link')], { cwd: root })).code).toBe(0)
    expect(existsSync(join(root, 'empty', '.git', 'HEAD'))).toBe(true)
  })
})
