import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN, ok } from '../cli/run-cli.js'
import { expectCleanRepo, git, gitBlob, tempDir } from '../helpers.js'

const ENGINE = resolve(import.meta.dirname, '../fixtures/python_engine.py')

function started(child: ChildProcess): { out: () => string; err: () => string; exited: Promise<number | null> } {
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d))
  return { out: () => out, err: () => err, exited: new Promise((done) => child.on('close', (code) => done(code))) }
}

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The original engine writes `count` generations, each half-written for a while, while evogit watch runs beside it. */
async function watchBeside(version: 'newest' | 'v1', signal: NodeJS.Signals, count = 5): Promise<{ dir: string; lock: string }> {
  const dir = join(tempDir(), 'persona_data')
  await ok(['init', dir], { cwd: tempDir() })
  const watcher = spawn(process.execPath, [BIN, 'watch', '--dir', dir, '--schema', 'persona', '--interval', '40', '--settle', '150'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } })
  const w = started(watcher)
  await until('watch to start', () => w.out().includes('watching'))
  const engine = spawn('python3', [ENGINE, dir, '--generations', String(count), '--version', version, '--pause', '0.25', '--write-delay', '0.5', '--size', '6'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const e = started(engine)
  expect(await e.exited).toBe(0)
  await until(`${count} commits`, () => (w.out().match(/committed generation/g) ?? []).length >= count)
  watcher.kill(signal)
  expect(await w.exited).toBe(0)
  expect(w.out()).toContain(`stopped: ${count} generations committed (0–${count - 1})`)
  return { dir, lock: /lock: (.*)/.exec(e.out())![1]! }
}

function expectEveryGenerationWhole(dir: string, count: number): void {
  expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe(String(count))
  for (let g = 0; g < count; g++) {
    const blob = gitBlob(dir, 'HEAD', `gen_${g}.json`)
    // Never half-written: the committed bytes are the finished file, and they parse.
    expect(blob.equals(readFileSync(join(dir, `gen_${g}.json`)))).toBe(true)
    expect((JSON.parse(blob.toString()) as unknown[]).length).toBe(6)
    expect(gitBlob(dir, 'HEAD', `transcripts_gen_${g}.json`).equals(readFileSync(join(dir, `transcripts_gen_${g}.json`)))).toBe(true)
  }
  expectCleanRepo(dir)
}

describe('evogit watch beside an unchanged Python engine', () => {
  it('commits each generation of the newest PersonaStore once its filelock is released, and stops on SIGTERM', async () => {
    const { dir, lock } = await watchBeside('newest', 'SIGTERM')
    // Which lock ran: the real filelock package when installed, else the same-behaviour stand-in.
    console.log(`watch test ran with the writer's lock: ${lock}`)
    expect(lock).toMatch(/^(filelock|stand-in)/)
    expectEveryGenerationWhole(dir, 5)
    expect(git(dir, 'log', '-1', '--format=%s')).toMatch(/^generation 4/)
  }, 120_000)

  it('commits the first PersonaStore (no lock at all) only once a file parses and is stable, and stops on SIGINT', async () => {
    const { dir } = await watchBeside('v1', 'SIGINT', 4)
    expectEveryGenerationWhole(dir, 4)
  }, 120_000)

  it('waits while the writer holds gen_<n>.json.lock, even over a complete, valid file', async () => {
    const dir = join(tempDir(), 'persona_data')
    await ok(['init', dir], { cwd: tempDir() })
    const watcher = spawn(process.execPath, [BIN, 'watch', '--dir', dir, '--interval', '40', '--settle', '100', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } })
    const w = started(watcher)
    await until('watch to start', () => w.err().includes('watching'))
    // A writer that leaves a first, valid version in place for 1.5 s under its lock, then the final one.
    const script = `
import fcntl, os, sys, time
sys.path.insert(0, ${JSON.stringify(resolve(import.meta.dirname, '../fixtures'))})
from original_store import FileLock
with FileLock(${JSON.stringify(join(dir, 'gen_0.json.lock'))}):
    open(${JSON.stringify(join(dir, 'gen_0.json'))}, 'w').write('[{"v": "draft"}]')
    time.sleep(1.5)
    open(${JSON.stringify(join(dir, 'gen_0.json'))}, 'w').write('[{"v": "final"}]')
`
    const writer = started(spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] }))
    expect(await writer.exited).toBe(0)
    await until('the commit', () => w.err().includes('committed generation 0'))
    watcher.kill('SIGTERM')
    expect(await w.exited).toBe(0)
    expect(JSON.parse(w.out())).toMatchObject({ committed: [0] })
    expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('1')
    expect(gitBlob(dir, 'HEAD', 'gen_0.json').toString()).toBe('[{"v": "final"}]')
  }, 60_000)
})
