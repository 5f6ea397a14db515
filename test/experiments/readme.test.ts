import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers.js'

const root = resolve(import.meta.dirname, '..', '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const BIN = join(root, 'dist', 'src', 'cli', 'main.js')
const EXAMPLE = join(root, 'dist', 'examples', 'evolve.js')

/** The `sh` blocks of a README section. */
function shBlocks(heading: string): string[][] {
  const section = readme.split(`## ${heading}`)[1]!.split('\n## ')[0]!
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')))
}

/** Runs a README line as a user would in a clone: `npm start --` and `npx evogit` become the built files. */
function run(cwd: string, line: string): string {
  const command = line.replace(/^npm start --/, `"${process.execPath}" "${EXAMPLE}"`).replace(/^npm start\b/, `"${process.execPath}" "${EXAMPLE}"`).replace(/^npx evogit/, `"${process.execPath}" "${BIN}"`)
  return execFileSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, GIT_PAGER: 'cat', PAGER: 'cat', NO_COLOR: '1' } })
}

describe('README: branch and compare', () => {
  it('the quick start forks two experiments and compares them in three commands after the first run', () => {
    const cwd = tempDir()
    const blocks = shBlocks('Quick start')
    const flow = blocks.find((b) => b.some((l) => l.includes('compare')))!
    expect(flow).toHaveLength(3)
    run(cwd, 'npm start')
    const outputs = flow.map((line) => run(cwd, line))
    expect(outputs[0]).toContain('settings changed: mutationRate 0.2 → 0.9')
    expect(outputs[1]).toContain('settings changed: seed 7 → 2')
    const table = outputs[2]!.split('\n')
    expect(table[0]).toMatch(/^name +forked from +gen +size .*first score>=0\.78 .*meta\.settings\.mutationRate +meta\.settings\.seed/)
    expect(table.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(['high-mutation', 'main', 'seed-2'])
    expect(table[1]).toMatch(/^high-mutation +main:2 +17 +24 /)
    expect(table[2]).toMatch(/^main +— +14 +24 /)

    // The Experiments section's commands, in order, on the same store.
    const lines = shBlocks('Experiments: other settings, compare, export').flat()
    expect(lines.length).toBeGreaterThanOrEqual(8)
    const out = lines.map((line) => run(cwd, line))
    const at = (needle: string) => out[lines.findIndex((l) => l.includes(needle))]!
    expect(at('grep →')).toMatch(/^[0-9a-f]{7} mutationRate 0\.2→0\.9\n[0-9a-f]{7} seed 7→2\n$|^[0-9a-f]{7} seed 7→2\n[0-9a-f]{7} mutationRate 0\.2→0\.9\n$/)
    expect(at('diff main:4')).toContain('meta.settings.mutationRate: 0.2 → 0.9')
    expect(at('--transpose').split('\n')[0]).toMatch(/^name +\S+ +\S+ +\S+$/)
    expect(at('--group-by')).toContain(' ± ')
    expect(readFileSync(join(cwd, 'compare.csv'), 'utf8').split('\r\n')).toHaveLength(5)
    expect(at('log --ref')).toMatch(/main best +main mean +high-mutation best/)
    expect(existsSync(join(cwd, 'runs.csv'))).toBe(true)
    const [count, best] = at('python3').trim().split(' ')
    expect(Number(count)).toBe((15 + 18) * 24)
    expect(Number(best)).toBeGreaterThan(0.7)
  }, 240_000)
})
