import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BenchResults } from '../../bench/run.js'
import { tempDir } from '../helpers.js'

const root = join(import.meta.dirname, '..', '..')
const entry = join(root, 'dist', 'bench', 'run.js')

/** Newest modification time under `dir` (sources the compiled benchmark depends on). */
function newest(dir: string): number {
  let t = 0
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name)
    t = Math.max(t, name.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return t
}

/**
 * Runs the compiled benchmark exactly as `npm run bench` does, in its tiny configuration. Timing
 * figures are not asserted (this is not a benchmark run); that every target produced a finite
 * figure, and the table and JSON have their shape, is.
 */
describe('npm run bench --quick', () => {
  let table = ''
  let results: BenchResults

  beforeAll(() => {
    // `npm test` builds first; a bare `vitest run` of this file rebuilds when the output is stale.
    if (!existsSync(entry) || statSync(entry).mtimeMs < Math.max(newest(join(root, 'src')), newest(join(root, 'bench')))) {
      // All of `npm run build`: tsc alone would leave an unbundled CLI for the start-up tests running beside this one.
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'pipe' })
      execFileSync(process.execPath, [join(root, 'scripts', 'bundle-cli.mjs')], { cwd: root, stdio: 'pipe' })
    }
    const out = join(tempDir(), 'results.json')
    table = execFileSync(process.execPath, [entry, '--quick', '--breakdown', '--quiet', '--out', out], { cwd: root, encoding: 'utf8', timeout: 400_000 })
    results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults
  }, 450_000)

  it('measures every target with a finite figure, baseline and ratio', () => {
    expect(results.config.name).toBe('quick')
    // Every target of the first round, and the ones issue #14 added.
    const ids = results.targets.map((t) => t.id)
    for (const id of ['1a', '1b', '1c', '2', '2b', '3a', '3b', '4a', '4b', '5', '6', '6b', '7a', '7b', '8a', '8b', '8c', '8d', '8e', '9', 'cmp', 'R1', 'R2', 'R3', 'P', 'S', 'L1a', 'L1b', 'L2']) expect(ids, id).toContain(id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const t of results.targets) {
      expect(Number.isFinite(t.figure), `${t.id} figure`).toBe(true)
      expect(t.figure, `${t.id} figure`).toBeGreaterThan(0)
      expect(t.baseline, `${t.id} baseline`).toBeGreaterThan(0)
      expect(t.ratio).toBeCloseTo(t.figure / t.baseline, 9)
      expect(t.pass).toBe(t.ratio <= t.limit)
      expect(t.note.length).toBeGreaterThan(10)
    }
    expect(results.machine.nproc).toBeGreaterThan(0)
    expect(results.machine.node).toBe(process.version)
    expect(results.seconds).toBeGreaterThan(0)
  })

  it('prints a table with one row per target and the machine it ran on', () => {
    const lines = table.trim().split('\n')
    expect(lines[0]).toMatch(/^evogit bench \(quick\) — .*nproc \d+, node v\d+/)
    expect(lines[1]).toMatch(/^#\s+target\s+figure\s+baseline\s+ratio\s+limit\s+result$/)
    for (const t of results.targets) {
      const row = lines.find((l) => l.startsWith(`${t.id} `))
      expect(row, t.id).toMatch(new RegExp(`${t.ratio.toFixed(3)}×\\s+≤ ${t.limit}×\\s+(pass|SHORT)$`))
    }
    expect(lines.at(-1)).toMatch(/^results: .*results\.json$/)
  })

  it('prints where a save\'s time goes with --breakdown', () => {
    const phases = Object.keys(results.breakdown ?? {})
    for (const phase of ['validate', 'serialize', 'lock acquire', 'sidecar', 'commit: objects, fsync, ref, working tree, index']) expect(phases, phase).toContain(phase)
    for (const ms of Object.values(results.breakdown ?? {})) expect(Number.isFinite(ms)).toBe(true)
    expect(table).toMatch(/median ms per phase/)
  })
})
