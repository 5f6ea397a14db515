import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { EvogitError, type Persona } from '../src/index.js'

const made: string[] = []

/** A fresh temp directory, removed after the test. */
export function tempDir(prefix = 'evogit-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Runs native git in `cwd` and returns stdout (throws on a non-zero exit). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Raw bytes of `git cat-file blob <rev>:<path>`. */
export function gitBlob(cwd: string, rev: string, path: string): Buffer {
  return execFileSync('git', ['cat-file', 'blob', `${rev}:${path}`], { cwd, env: { ...process.env, HOME: cwd } })
}

/** The invariants every save must leave behind, checked with native git. */
export function expectCleanRepo(cwd: string): { commits: number } {
  const status = git(cwd, 'status', '--porcelain', '--untracked-files=all')
  if (status !== '') throw new Error(`git status is not clean:\n${status}`)
  git(cwd, 'fsck', '--strict', '--no-progress')
  const count = Number(git(cwd, 'rev-list', '--count', 'HEAD').trim())
  return { commits: count }
}

/** A fixed clock, advancing one second per call, for reproducible commit ids. */
export function fixedClock(start = Date.UTC(2026, 0, 1)): () => Date {
  let t = start
  return () => new Date((t += 1000))
}

/** A valid persona; `i` varies name and traits. */
export function persona(i: number, overrides: Partial<Persona> = {}): Persona {
  return {
    name: `Persona ${i}`,
    age: 20 + (i % 50),
    occupation: ['Digital Artist', 'Software Engineer', 'Chef'][i % 3]!,
    backstory: `Backstory number ${i}.`,
    core_values: ['creativity', 'freedom'],
    hobbies: ['sketching'],
    personality_traits: { openness: (i % 10) / 10, neuroticism: 0.4 },
    communication_style: 'enthusiastic and visual',
    topical_focus: 'digital art trends',
    interaction_policy: "compliment others' work",
    goals: ['inspire others'],
    ...overrides,
  }
}

/** A population of `n` personas starting at `offset`. */
export function population(n: number, offset = 0): Persona[] {
  return Array.from({ length: n }, (_, i) => persona(offset + i))
}

/** Lists generation ids the way the original Python reader does. */
export function pythonReader(dir: string): { ids: number[]; names: Record<string, string[]> } {
  const out = execFileSync('python3', [join(import.meta.dirname, 'fixtures', 'original_reader.py'), dir], { encoding: 'utf8' })
  return JSON.parse(out) as { ids: number[]; names: Record<string, string[]> }
}

/** Every file below `dir` (excluding .git) with its bytes, to prove a failed call changed nothing. */
export function snapshot(dir: string): { head: string; files: string } {
  let head = ''
  try {
    head = git(dir, 'rev-parse', 'HEAD').trim()
  } catch {
    head = '(none)'
  }
  const files = execFileSync('sh', ['-c', '(find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha1sum; sha1sum .git/index) 2>/dev/null; true'], { cwd: dir, encoding: 'utf8' })
  return { head, files }
}

/** The typed error a promise rejects with; fails the test when it resolves. */
export async function errorOf<D = unknown>(promise: Promise<unknown>): Promise<EvogitError<D>> {
  try {
    await promise
  } catch (err) {
    if (err instanceof EvogitError) return err as EvogitError<D>
    throw new Error(`expected an EvogitError, got ${String(err)}`, { cause: err })
  }
  throw new Error('expected the call to fail')
}

/** The `code` of the typed error a promise rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await errorOf(promise)).code
}
