import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The built binary, exactly what `npm install -g` would put on the PATH. */
export const BIN = resolve(import.meta.dirname, '../../dist/src/cli/main.js')

/** What one run of the binary did. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  /** stdout parsed as JSON (throws when it is not exactly one JSON document). */
  json<T = unknown>(): T
}

/**
 * Runs the real `evogit` binary as a subprocess. The environment is scrubbed of the caller's
 * evogit and color settings so a developer's shell cannot change the result.
 */
export async function evogit(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; input?: string }): Promise<CliRun> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first (npm test does)`)
  const env: Record<string, string | undefined> = { ...process.env, HOME: options.cwd, GIT_CONFIG_NOSYSTEM: '1' }
  for (const name of ['EVOGIT_DIR', 'NO_COLOR', 'FORCE_COLOR', 'EVOGIT_DEBUG']) delete env[name]
  Object.assign(env, options.env)
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  child.stdin.end(options.input ?? '')
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail)
    child.on('close', (c) => done(c))
  })
  return {
    code,
    stdout,
    stderr,
    json<T>() {
      try {
        return JSON.parse(stdout) as T
      } catch (err) {
        throw new Error(`stdout of evogit ${args.join(' ')} is not one JSON document:\n${stdout}\nstderr:\n${stderr}`, { cause: err })
      }
    },
  }
}

/** Like {@link evogit}, but fails the test with the output when the exit code is not 0. */
export async function ok(args: string[], options: Parameters<typeof evogit>[1]): Promise<CliRun> {
  const run = await evogit(args, options)
  if (run.code !== 0) throw new Error(`evogit ${args.join(' ')} exited ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`)
  return run
}

/** Writes `value` as JSON into `dir/name` and returns the path. */
export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(value))
  return path
}
