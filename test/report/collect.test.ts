import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, type ReportModel } from '../../src/index.js'
import { evogit } from '../cli/run-cli.js'
import { expectCleanRepo, tempDir } from '../helpers.js'
import { comparisonRows } from '../../src/store/report-sources/compare.js'
import { importedStore, twoBranchStore, unscoredStore } from './stores.js'

describe('store.report on real stores', () => {
  it('collects trajectories from the fork point, the branch tree with settings changes, Pareto, lineage, diversity and rows', async () => {
    const dir = tempDir()
    await twoBranchStore(dir)
    const store = await openStore({ dir })
    const { model, html, path } = await store.report({ html: false })
    expect(html).toBeNull()
    expect(path).toBeNull()
    expect(model.store.refs).toEqual(['main', 'wide'])
    expect(model.primaryObjective).toBe('accuracy')
    if (!model.trajectories.available) throw new Error(model.trajectories.reason)
    const t = model.trajectories.data
    expect(t.objectives.map((o) => [o.name, o.direction, o.directionSource])).toEqual([
      ['accuracy', 'max', 'sidecar'],
      ['cost', 'max', 'sidecar'],
    ])
    const main = t.branches.find((b) => b.branch === 'main')!
    const wide = t.branches.find((b) => b.branch === 'wide')!
    expect(main.points['accuracy']!.map((p) => p.generation)).toEqual([0, 1, 2, 3, 4, 5])
    // The branch starts at its fork point (generation 3), not at 0.
    expect(wide.points['accuracy']!.map((p) => p.generation)).toEqual([3, 4, 5, 6, 7])
    expect(wide.points['accuracy']![1]).toMatchObject({ best: 0.85, min: 0.6, count: 6 })

    if (!model.branchTree.available) throw new Error(model.branchTree.reason)
    const tree = model.branchTree.data.find((n) => n.name === 'wide')!
    expect(tree.forkedFrom).toMatchObject({ branch: 'main', generation: 3 })
    expect(tree.settingsChanges).toEqual([{ path: 'mutationRate', from: 0.1, to: 0.5, generation: 4 }])
    expect(tree.best).toEqual({ objective: 'accuracy', value: 1.15, generation: 7 })
    expect(model.branchTree.data.find((n) => n.name === 'main')!.current).toBe(true)

    if (!model.comparison.available) throw new Error(model.comparison.reason)
    // The same rows as `evogit compare`.
    const compared = await store.compare({ refs: ['main', 'wide'] })
    expect(model.comparison.data.source).toBe('compare')
    expect(model.comparison.data.rows.map((r) => r['name'])).toEqual(compared.rows.map((r) => r.name))
    // The report hands compare the commits its own walks read; the rows must not change for it.
    expect(model.comparison.data).toEqual(comparisonRows(compared))
    const wideRow = compared.rows.find((r) => r.name === 'wide')!
    expect(wideRow.objectives['accuracy']!.best).toBe(1.15)
    expect(model.comparison.data.rows.find((r) => r['name'] === 'wide')).toMatchObject({
      'forked from': 'main',
      'fork generation': 3,
      'accuracy (max) best': 1.15,
      'accuracy (max) best at generation': 7,
      'accuracy (max) latest best': wideRow.objectives['accuracy']!.latestBest,
      'accuracy (max) latest mean': wideRow.objectives['accuracy']!.latestMean,
      'meta.settings.mutationRate': 0.5,
    })

    if (!model.pareto.available) throw new Error(model.pareto.reason)
    expect(model.pareto.data.objectives.map((o) => o.name)).toEqual(['accuracy', 'cost'])
    const fronts = model.pareto.data.branches.find((b) => b.branch === 'main')!
    expect(fronts.fronts.map((f) => f.label)).toContain('first')
    expect(fronts.hypervolume.map((h) => h.generation)).toEqual([0, 1, 2, 3, 4, 5])
    // Fronts and hypervolume are the ones the store recorded, not recomputed.
    const stored = await store.pareto(5, { ref: 'main' })
    expect(fronts.hypervolume.at(-1)!.value).toBe(stored.hypervolume)
    const last = fronts.fronts.find((f) => f.label === 'last')!
    expect(last.generation).toBe(5)
    expect(last.points.map((p) => p.id).sort()).toEqual(stored.front.map((m) => m.individual.id).sort())

    if (!model.lineage.available) throw new Error(model.lineage.reason)
    const lineage = model.lineage.data.branches.find((b) => b.branch === 'main')!
    // The best of generation 5 is the last individual (accuracy rises with the index); its parents are g4-5 and g4-0.
    expect(lineage.root).toBe('g5-5')
    expect(lineage.edges).toContainEqual({ from: '4:g4-5', to: '5:g5-5' })
    expect(lineage.edges).toContainEqual({ from: '4:g4-0', to: '5:g5-5' })
    expect(new Set(lineage.nodes.map((n) => n.generation))).toEqual(new Set([0, 1, 2, 3, 4, 5]))
    // The graph is the store's own ancestry of that individual.
    const recorded = await store.ancestry('g5-5', { generation: 5, ref: 'main' })
    expect(lineage.nodes.map((n) => n.key).sort()).toEqual(recorded.nodes.map((n) => n.key).sort())
    expect(lineage.edges).toEqual(recorded.edges.map((e) => ({ from: e.parent, to: e.child })))
    // Across the fork: wide's best of generation 7 descends from main's generations 0..3.
    const wideLineage = model.lineage.data.branches.find((b) => b.branch === 'wide')!
    expect(wideLineage.root).toBe('g7-5')
    expect(new Set(wideLineage.nodes.map((n) => n.generation))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]))

    if (!model.diversity.available) throw new Error(model.diversity.reason)
    expect(model.diversity.data.branches.find((b) => b.branch === 'main')!.points[0]).toMatchObject({ generation: 0, size: 6, distinct: 6 })
    if (!model.generations.available) throw new Error(model.generations.reason)
    const rows = model.generations.data.find((g) => g.branch === 'main')!.rows
    expect(rows).toHaveLength(6)
    expect(rows[1]!.diff).toMatchObject({ size: 0, individuals: { added: 6, removed: 6, changed: 0 } })
    expect(rows[1]!.diff!.best).toBeCloseTo(0.1)
    // Reading a report changes nothing in the store.
    expectCleanRepo(dir)
  })

  it('limits the report to the refs asked for, and writes the HTML atomically', async () => {
    const dir = tempDir()
    await twoBranchStore(dir)
    const store = await openStore({ dir })
    const out = join(tempDir(), 'r.html')
    const { model, path, bytes } = await store.report({ refs: ['wide'], output: out, diversitySamples: 2 })
    expect(path).toBe(out)
    expect(readFileSync(out).length).toBe(bytes)
    expect(model.store.refs).toEqual(['wide'])
    if (!model.diversity.available) throw new Error('diversity')
    expect(model.diversity.data.branches[0]!.points.map((p) => p.generation)).toEqual([3, 7])
    await expect(store.report({ refs: ['nope'] })).rejects.toMatchObject({ code: 'E_REF_NOT_FOUND', caller: 'report' })
    await expect(store.report({ diversitySamples: -1 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' })
  })

  it('says what is missing for an empty store, a store without scores and an imported store without sidecars', async () => {
    const empty = await (await openStore({ dir: tempDir() })).report({ html: false })
    for (const view of ['trajectories', 'branchTree', 'comparison', 'pareto', 'lineage', 'diversity', 'generations'] as const) {
      expect(empty.model[view]).toMatchObject({ available: false })
    }
    const unscoredDir = tempDir()
    await unscoredStore(unscoredDir)
    const unscored = (await (await openStore({ dir: unscoredDir })).report({ html: false })).model
    expect(unscored.trajectories).toEqual({ available: false, reason: expect.stringContaining('no generation has scores') as string })
    expect(unscored.pareto).toMatchObject({ available: false, reason: expect.stringContaining('two objectives') as string })
    expect(unscored.generations.available).toBe(true)
    const importedDir = tempDir()
    await importedStore(importedDir)
    const imported: ReportModel = (await (await openStore({ dir: importedDir })).report({ html: false })).model
    expect(imported.trajectories.available).toBe(false)
    expect(imported.notes.join(' ')).toContain('No metadata sidecar')
    if (!imported.generations.available) throw new Error('generations')
    expect(imported.generations.data[0]!.rows.map((r) => r.generation)).toEqual([0, 1, 2])
  })
})

describe('evogit report', () => {
  it('writes the file, prints the model with --json, and opens the browser with --open', async () => {
    const dir = tempDir()
    await twoBranchStore(dir)
    const cwd = tempDir()
    const written = await evogit(['report', '--dir', dir], { cwd })
    expect(written.code).toBe(0)
    expect(written.stdout).toMatch(/^wrote .*evogit-report\.html \(\d+ KiB, 2 refs\)/)
    const html = readFileSync(join(cwd, 'evogit-report.html'), 'utf8')
    expect(html).toContain('<section id="lineage" data-view="lineage" data-available="true">')
    const json = await evogit(['report', '--dir', dir, '--ref', 'main', '--json'], { cwd })
    expect(json.code).toBe(0)
    const model = json.json<ReportModel>()
    expect(model.store.refs).toEqual(['main'])
    expect(model.trajectories.available).toBe(true)
    // --open starts $BROWSER with the written file.
    const marker = join(cwd, 'opened.txt')
    const browser = join(cwd, 'fake-browser.sh')
    writeFileSync(browser, `#!/bin/sh\necho "$1" > ${JSON.stringify(marker)}\n`)
    chmodSync(browser, 0o755)
    const opened = await evogit(['report', '--dir', dir, '-o', 'x.html', '--open'], { cwd, env: { BROWSER: browser } })
    expect(opened.code).toBe(0)
    for (let i = 0; i < 50 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 100))
    expect(readFileSync(marker, 'utf8').trim()).toBe(join(cwd, 'x.html'))
    const two = await evogit(['report', '--dir', dir, '--ref', 'main', '--ref', 'wide', '-o', 'runs.html'], { cwd })
    expect(two.stdout).toContain('2 refs')
    const missing = await evogit(['report', '--dir', join(cwd, 'nowhere')], { cwd })
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('not an evogit store')
  })
})

describe('the README quick start', () => {
  it('npm start, then npx evogit report --dir persona_data -o report.html', async () => {
    const cwd = tempDir()
    execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'dist', 'examples', 'evolve.js')], { cwd, stdio: 'ignore' })
    const run = await evogit(['report', '--dir', 'persona_data', '-o', 'report.html'], { cwd })
    expect(run.code).toBe(0)
    const html = readFileSync(join(cwd, 'report.html'), 'utf8')
    // The example records lineage, so every view has data, the lineage graph included.
    for (const view of ['trajectories', 'branchTree', 'comparison', 'pareto', 'lineage', 'diversity', 'generations']) expect(html).toContain(`<section id="${view}" data-view="${view}" data-available="true">`)
    expect(html).toContain('data-view="lineage" data-branch="main"')
    expect(run.stderr).not.toContain('not in this report')
  })
})
