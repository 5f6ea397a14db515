import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The compiled library the child processes import (`npm test` builds it before vitest runs). */
export const DIST = resolve(import.meta.dirname, '../../dist')
export const WRITER = join(import.meta.dirname, 'fixtures', 'writer.mjs')
/** The per-operation worker of the kill suites (kill-ops.test.ts). */
export const OP_WRITER = join(import.meta.dirname, 'fixtures', 'op-writer.mjs')

/** Builds dist/ when a developer runs vitest directly without `npm test`. */
export function ensureBuilt(): void {
  if (!existsSync(join(DIST, 'src/index.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: resolve(import.meta.dirname, '../..'), stdio: 'inherit' })
  }
}

/** A running writer child and the lines it has printed so far. */
export interface Writer {
  child: ChildProcess
  lines: string[]
  /** Resolves with the first line starting with `prefix` (rejects if the child exits first). */
  waitFor(prefix: string): Promise<string>
  /** Resolves when the child has exited, with its exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
  /** SIGKILLs the child (with `group`, its whole process group: native git it started dies too). */
  kill(): void
}

/**
 * Starts `writer.mjs` (or `script`) with the given arguments. With `group`, the child leads its
 * own process group, as a job under a scheduler does, so {@link Writer.kill} takes its children along.
 */
export function startWriter(args: string[], options: { script?: string; group?: boolean } = {}): Writer {
  const child = spawn(process.execPath, [options.script ?? WRITER, DIST, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: options.group === true })
  const lines: string[] = []
  const waiters: { prefix: string; resolve: (l: string) => void; reject: (e: Error) => void }[] = []
  let buffered = ''
  let stderr = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk
    let nl: number
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      lines.push(line)
      for (const w of waiters.splice(0)) {
        if (line.startsWith(w.prefix)) w.resolve(line)
        else waiters.push(w)
      }
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolveExit) => {
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`writer exited (${code ?? signal}) before printing "${w.prefix}": ${stderr}`))
      resolveExit({ code, signal, stderr })
    })
  })
  return {
    child,
    lines,
    exited,
    kill: () => {
      if (options.group && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL')
          return
        } catch {
          // the group is gone already
        }
      }
      child.kill('SIGKILL')
    },
    waitFor: (prefix) => {
      const seen = lines.find((l) => l.startsWith(prefix))
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((res, rej) => waiters.push({ prefix, resolve: res, reject: rej }))
    },
  }
}

/** Every file below `dir` whose name ends with `suffix` (including inside .git). */
export function filesEndingWith(dir: string, suffix: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) walk(path)
      else if (e.name.endsWith(suffix)) out.push(path)
    }
  }
  walk('')
  return out
}

/** The population the writer saves for generation `n`, version `variant` (mirrors writer.mjs). */
export function populationOf(n: number, variant: number): { id: number; generation: number; variant: number; genome: number[] }[] {
  return Array.from({ length: 24 }, (_, i) => ({ id: i, generation: n, variant, genome: Array.from({ length: 16 }, (_, j) => ((n * 31 + i * 7 + j + variant) % 97) / 97) }))
}
