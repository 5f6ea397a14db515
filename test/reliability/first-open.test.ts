// Issue #15, item 5: a SIGKILL during the first openStore of a new directory must never leave it
// unopenable; the new repository's config is what native `git init` writes.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { codeOf, errorOf, expectCleanRepo, git, tempDir } from '../helpers.js'
import { ensureBuilt, startWriter } from './harness.js'

/** At least 100, as issue #15 asks; raise with EVOGIT_FIRST_OPEN_KILLS (or EVOGIT_KILLS). */
const KILLS = Math.max(100, Number(process.env['EVOGIT_FIRST_OPEN_KILLS'] ?? process.env['EVOGIT_KILLS'] ?? 100))

beforeAll(ensureBuilt)

/** Every entry below `dir` (files and directories, .git included) whose name ends with `suffix`. */
function entriesEndingWith(dir: string, suffix: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name
      if (e.name.endsWith(suffix)) out.push(path)
      if (e.isDirectory()) walk(path)
    }
  }
  walk('')
  return out
}

/** The core section native `git init` writes on this file system, key → value. */
function nativeCore(): Record<string, string> {
  const dir = tempDir()
  git(dir, 'init', '-q')
  return coreOf(dir)
}

function coreOf(dir: string): Record<string, string> {
  const lines = git(dir, 'config', '--file', '.git/config', '--get-regexp', '^core\\.').trim().split('\n')
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]))
}

describe('a new store is what native git init makes, plus the store keys', () => {
  it('writes native core settings (no ignorecase=true, filemode=false on Linux) and both store keys', async () => {
    const dir = join(tempDir(), 'new')
    await openStore({ dir })
    expect(coreOf(dir)).toEqual(nativeCore())
    expect(git(dir, 'config', 'core.filemode').trim()).toBe('true')
    expect(git(dir, 'config', 'evogit.formatVersion').trim()).toBe('1')
    expect(git(dir, 'config', 'evogit.rootBranch').trim()).toBe('main')
    expect(git(dir, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main')
    expect(readdirSync(dir)).toEqual(['.git'])
    // Native git reads it as an ordinary empty repository.
    expect(git(dir, 'status', '--porcelain')).toBe('')
    const store = await openStore({ dir, defaultBranch: 'ignored' })
    await store.saveGeneration(0, [{ a: 1 }])
    expectCleanRepo(dir)
  })

  it('finishes an unfinished init left by an older evogit, with no hand work', async () => {
    for (const leftovers of [[], ['.HEAD.4000001.0badf00d.evogit-tmp'], ['.config.4000001.0badf00d.evogit-tmp', 'config']]) {
      const dir = tempDir()
      for (const sub of ['hooks', 'info', 'objects/info', 'objects/pack', 'refs/heads', 'refs/tags']) mkdirSync(join(dir, '.git', sub), { recursive: true })
      for (const name of leftovers) writeFileSync(join(dir, '.git', name), '[core]\n\tbare = false\n')
      const store = await openStore({ dir })
      await store.saveGeneration(0, [{ a: 1 }])
      expect(git(dir, 'config', 'evogit.rootBranch').trim()).toBe('main')
      expect(coreOf(dir)).toEqual(nativeCore())
      expectCleanRepo(dir)
    }
  })

  it('refuses a .git file and a damaged .git holding objects, naming each, and changes neither', async () => {
    const link = tempDir()
    writeFileSync(join(link, '.git'), 'gitdir: /elsewhere\n')
    const linkErr = await errorOf<{ reason: string }>(openStore({ dir: link }))
    expect(linkErr.code).toBe('E_NOT_A_STORE')
    expect(linkErr.message).toContain('worktree or submodule')
    expect(readFileSync(join(link, '.git'), 'utf8')).toBe('gitdir: /elsewhere\n')

    const damaged = tempDir()
    git(damaged, 'init', '-q')
    writeFileSync(join(damaged, 'x'), 'x')
    git(damaged, 'add', 'x')
    git(damaged, 'commit', '-q', '-m', 'x')
    execFileSync('rm', [join(damaged, '.git/HEAD')])
    const before = execFileSync('sh', ['-c', 'find .git | sort'], { cwd: damaged, encoding: 'utf8' })
    const err = await errorOf<{ reason: string }>(openStore({ dir: damaged }))
    expect(err.code).toBe('E_NOT_A_STORE')
    expect(err.data.reason).toBe('damaged .git')
    expect(err.message).toContain('no HEAD')
    expect(execFileSync('sh', ['-c', 'find .git | sort'], { cwd: damaged, encoding: 'utf8' })).toBe(before)
  })

  it('sweeps the temp .git of a dead first open, and lets racing first opens share one repository', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, '..git.4000001.0badf00d.evogit-tmp', 'objects'), { recursive: true })
    await openStore({ dir })
    expect(readdirSync(dir)).toEqual(['.git'])

    const racing = join(tempDir(), 'race')
    const writers = Array.from({ length: 4 }, () => startWriter([racing, 'open', '1']))
    const exits = await Promise.all(writers.map((w) => w.exited))
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0)
    expect(readdirSync(racing)).toEqual(['.git'])
    await (await openStore({ dir: racing })).saveGeneration(0, [{ a: 1 }])
    expectCleanRepo(racing)
    expect(await codeOf(openStore({ dir: join(racing, '.git', 'HEAD') }))).toBe('E_NOT_A_STORE')
  })
})

describe('SIGKILL during the first open of a new directory', () => {
  it(`always leaves a directory that opens with no hand work (${KILLS} kills)`, async () => {
    const tally = { kills: 0, finishedFirst: 0, leftNothing: 0, leftTempGit: 0, leftWholeGit: 0, precreated: 0, msMax: 0 }
    let window = 30
    const lane = async (laneIndex: number, kills: number) => {
      let seed = 4242 + laneIndex
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
      const root = tempDir()
      for (let k = 0; k < kills; k++) {
        const dir = join(root, `s${k}`)
        // Sometimes the directory exists already, empty, as after `mkdir run && cd run`.
        if (random() < 0.25) {
          mkdirSync(dir)
          tally.precreated++
        }
        const writer = startWriter([dir, 'open', String(k)])
        await writer.waitFor('opening')
        const started = performance.now()
        const delay = random() * window
        await Promise.race([sleep(delay), writer.exited])
        if (writer.lines.includes('ready')) {
          // The open finished before the kill: widen the window so later kills land inside it.
          tally.finishedFirst++
          window = Math.max(window, (performance.now() - started) * 1.2)
        }
        writer.child.kill('SIGKILL')
        await writer.exited
        tally.kills++
        tally.msMax = Math.max(tally.msMax, Math.round(delay))

        const names = (() => {
          try {
            return readdirSync(dir)
          } catch {
            return null
          }
        })()
        if (names === null || names.length === 0) tally.leftNothing++
        else if (names.some((n) => n.endsWith('.evogit-tmp'))) tally.leftTempGit++
        else tally.leftWholeGit++

        // The next process simply opens it: no error, no hand work.
        const store = await openStore({ dir })
        expect(readdirSync(dir)).toEqual(['.git'])
        expect(entriesEndingWith(dir, '.evogit-tmp')).toEqual([])
        const config = git(dir, 'config', '--file', '.git/config', '--list')
        for (const line of ['evogit.formatversion=1', 'evogit.rootbranch=main', 'core.filemode=true']) expect(config.split('\n')).toContain(line)
        expect(readFileSync(join(dir, '.git/HEAD'), 'utf8')).toBe('ref: refs/heads/main\n')
        await store.saveGeneration(0, [{ k }])
        expect(await store.loadGeneration(0)).toEqual([{ k }])
        expectCleanRepo(dir)
      }
    }
    await Promise.all([lane(0, Math.ceil(KILLS / 2)), lane(1, Math.floor(KILLS / 2))])
    console.log(`first-open kill test: ${JSON.stringify({ ...tally, windowMs: Math.round(window) })}`)
    expect(tally.kills).toBe(KILLS)
    // The kills landed inside the open, not only before or after it.
    expect(tally.leftNothing + tally.leftTempGit).toBeGreaterThan(0)
    expect(tally.leftWholeGit).toBeGreaterThan(0)
  }, 300_000)
})
