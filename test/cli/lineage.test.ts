import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { bestIndex } from '../../src/model/best.js'
import { formatScore } from '../../src/cli/format/numbers.js'
import type { LineageGraph } from '../../src/model/lineage-graph.js'
import type { PopulationDiff } from '../../src/store/history-types.js'
import { tempDir } from '../helpers.js'
import { evogit, ok } from './run-cli.js'

const example = join(import.meta.dirname, '..', '..', 'dist', 'examples', 'evolve.js')
const hasDot = spawnSync('dot', ['-V']).status === 0

/** The example's own run, made once: 15 generations of 24 personas, recording lineage. */
let dir = ''
let cwd = ''
beforeAll(() => {
  // Not tempDir(): that one is removed after each test, and this run serves them all.
  cwd = mkdtempSync(join(tmpdir(), 'evogit-lineage-'))
  dir = join(cwd, 'persona_data')
  execFileSync(process.execPath, [example, '--dir', dir], { encoding: 'utf8' })
}, 60_000)
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe('evogit lineage on the example run', () => {
  it('traces the best individual of the last generation back to generation 0, as an indented tree with scores', async () => {
    const store = await openStore({ dir, schema: personaSchema })
    const sidecar = (await store.loadMetadata(14))!
    const best = sidecar.lineage![bestIndex(sidecar.scores)!]!.id
    const run = await ok(['--dir', dir, 'lineage'], { cwd })
    const lines = run.stdout.trimEnd().split('\n')
    const score = sidecar.scores['score']![bestIndex(sidecar.scores)!]!
    expect(lines[0]!.startsWith(`${String(best)}  generation 14 · score ${formatScore(score)}`)).toBe(true)
    // Depth first: the first lines are one line of descent, each a generation older, down to 0.
    const generations = lines.slice(0, 16).map((l) => Number(/generation (\d+)/.exec(l)?.[1]))
    const zero = generations.indexOf(0)
    expect(zero).toBeGreaterThan(0)
    for (let i = 1; i <= zero; i++) expect(generations[i]!).toBeLessThan(generations[i - 1]!)
    expect(lines[1]).toMatch(/^└─ |^├─ /)
    expect(lines.at(-1)).toMatch(/^\d+ individuals in 15 generations$/)
    // Each individual is printed once in full; repeats refer back.
    const full = lines.filter((l) => /generation \d+/.test(l) && !l.endsWith('(see above)'))
    const graph = (await ok(['--dir', dir, 'lineage', '--json'], { cwd })).json<LineageGraph>()
    expect(full).toHaveLength(graph.nodes.length)
    expect(graph.nodes[0]!.id).toBe(best)
    expect(Math.min(...graph.nodes.map((n) => n.generation))).toBe(0)
  })

  it('diff 4 5 shows children changed from their parents, not 22 added and 22 removed', async () => {
    const run = await ok(['--dir', dir, 'diff', '4', '5'], { cwd })
    expect(run.stdout).toMatch(/individuals matched by lineage/)
    expect(run.stdout).toMatch(/^ {2}~ .+ {2}(crossover|mutated) from .+$/m)
    expect(run.stdout).not.toMatch(/22 added, 22 removed/)
    const summary = /(\d+) elites? kept, (\d+) mutated, (\d+) crossovers?, (\d+) newcomers?; (\d+) removed/.exec(run.stdout)
    expect(summary).not.toBeNull()
    const [kept, mutated, crossovers, newcomers] = summary!.slice(1, 5).map(Number)
    expect(kept).toBe(2)
    expect(kept! + mutated! + crossovers! + newcomers!).toBe(24)
    expect(newcomers).toBe(0)
    const json = (await ok(['--dir', dir, 'diff', '4', '5', '--json'], { cwd })).json<PopulationDiff<unknown>>()
    expect(json.matchedBy).toBe('lineage')
    expect(json.added).toHaveLength(0)
    expect(json.changed.length).toBe(22)
    expect(json.changed.every((c) => c.from !== undefined && c.fields.length > 0)).toBe(true)
    // Asked for a key, diff matches by it, as before.
    const byName = (await ok(['--dir', dir, 'diff', '4', '5', '--key', 'name', '--json'], { cwd })).json<PopulationDiff<unknown>>()
    expect(byName).toMatchObject({ matchedBy: 'key', key: 'name', lineage: null })
    expect(byName.added).toHaveLength(22)
  })

  it('prints DOT that native dot parses, one box per individual', async (ctx) => {
    const run = await ok(['--dir', dir, 'lineage', '--depth', '3', '--format', 'dot'], { cwd })
    const graph = (await ok(['--dir', dir, 'lineage', '--depth', '3', '--json'], { cwd })).json<LineageGraph>()
    expect(run.stdout).toMatch(/^digraph lineage \{\n/)
    if (!hasDot) {
      console.warn('skipping the native dot check: Graphviz `dot` is not installed')
      ctx.skip()
      return
    }
    const svg = execFileSync('dot', ['-Tsvg'], { input: run.stdout, encoding: 'utf8' })
    expect(svg.match(/<g id="node\d+" class="node">/g)).toHaveLength(graph.nodes.length)
    expect(svg.match(/<g id="edge\d+" class="edge">/g)).toHaveLength(graph.edges.length)
  })

  it('prints a Mermaid flowchart with one node line per individual and one arrow per link', async () => {
    const run = await ok(['--dir', dir, 'lineage', '--depth', '2', '--format', 'mermaid'], { cwd })
    const graph = (await ok(['--dir', dir, 'lineage', '--depth', '2', '--format', 'json'], { cwd })).json<LineageGraph>()
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('flowchart BT')
    const nodes = lines.filter((l) => /^ {2}n\d+\["[^"]*"\]$/.test(l))
    const arrows = lines.filter((l) => /^ {2}n\d+ --> n\d+$/.test(l))
    expect(nodes).toHaveLength(graph.nodes.length)
    expect(arrows).toHaveLength(graph.edges.length)
    expect(nodes.length + arrows.length + 1).toBe(lines.length)
    // `#` would start an entity code in Mermaid: it is written as one.
    expect(nodes[0]).toContain('#35;')
  })
})

describe('evogit lineage on a small store', () => {
  it('shows descendants, refuses an unknown id (exit 3) and a bad depth (exit 2)', async () => {
    const small = tempDir()
    const store = await openStore({ dir: small })
    await store.saveGeneration(0, [{ id: 'a' }, { id: 'b' }], { scores: [1, 2], lineage: [{}, {}] })
    await store.saveGeneration(1, [{ id: 'c' }], { scores: [3], lineage: [{ parents: [{ generation: 0, id: 'a' }, { generation: 0, id: 'b' }], op: 'crossover' }] })
    const down = await ok(['--dir', small, 'lineage', 'a', '--descendants'], { cwd: small })
    expect(down.stdout).toBe('a  generation 0 · score 1\n└─ c  generation 1 · score 3 · crossover\n2 individuals in 2 generations\n')
    const missing = await evogit(['--dir', small, 'lineage', 'zed'], { cwd: small })
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('no individual "zed"')
    const bad = await evogit(['--dir', small, 'lineage', 'a', '--depth', '-1'], { cwd: small })
    expect(bad.code).toBe(2)
    const json = await evogit(['--dir', small, 'lineage', 'zed', '--json'], { cwd: small })
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'E_INDIVIDUAL_NOT_FOUND' } })
  })
})
