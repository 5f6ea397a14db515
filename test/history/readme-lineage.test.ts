import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { BIN } from '../cli/run-cli.js'
import { tempDir } from '../helpers.js'

const root = join(import.meta.dirname, '..', '..')

/** The README's lineage section: its shell commands, and the output it shows for the first one. */
function section(): { commands: string[]; shown: string } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const text = readme.split('## Lineage: who descends from whom')[1]!.split('\n## ')[0]!
  const blocks = [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }))
  const commands = blocks.find((b) => b.lang === 'sh')!.body.split('\n').filter((l) => l.startsWith('evogit '))
  const shown = blocks.find((b) => b.lang === '')!.body
  return { commands, shown }
}

describe('README: lineage', () => {
  it('shows what the commands print on the example run (npm start)', async () => {
    const cwd = tempDir()
    execFileSync(process.execPath, [join(root, 'dist', 'examples', 'evolve.js')], { cwd, encoding: 'utf8' })
    const { commands, shown } = section()
    expect(commands).toHaveLength(5)
    const run = (command: string) =>
      execFileSync('sh', ['-c', `evogit() { "${process.execPath}" "${BIN}" "$@"; }\n${command}`], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

    // If this fails after a change to the example, paste the new output of the first command into the README.
    expect(run(commands[0]!)).toBe(shown)
    expect(shown).toMatch(/generation 14 .*\n[\s\S]*generation 0 /)

    const down = run(commands[1]!).split('\n')
    expect(down[0]).toMatch(/^\S.* generation 0 · score /)
    expect(down.slice(1, -2).every((l) => /^[├└]─ .* generation 1 · /.test(l))).toBe(true)

    if (spawnSync('dot', ['-V']).status === 0) {
      run(commands[2]!)
      expect(readFileSync(join(cwd, 'lineage.svg'), 'utf8')).toContain('<svg')
    } else {
      console.warn('skipping the README dot recipe: Graphviz `dot` is not installed')
      expect(existsSync(join(cwd, 'lineage.svg'))).toBe(false)
    }
    expect(run(commands[3]!)).toMatch(/^flowchart BT\n {2}n0\["/)
    const diff = run(commands[4]!)
    const claim = /# (\d+ elites kept, \d+ mutated, \d+ crossovers)/.exec(commands[4]!)![1]!
    expect(diff).toContain(claim)

    // The library lines of the section, on the same run.
    const store = await openStore({ dir: join(cwd, 'persona_data'), schema: personaSchema })
    const tree = await store.ancestry('Hana #304', { depth: 5 })
    expect(tree.nodes[1]).toMatchObject({ id: 'Hana #304', generation: 13, op: 'crossover', depth: 1 })
    expect(tree.nodes[1]!.scores['score']).toBe(0.7993)
    expect((await store.descendants('Dana #5', { generation: 0, depth: 2 })).nodes.length).toBeGreaterThan(5)
    expect(await store.origin('Hana #304')).toMatchObject({ first: { generation: 13 }, sameId: true })
  })
})
