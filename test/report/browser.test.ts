/**
 * The report as a person sees it: each generated file opened from disk in real headless
 * Chromium (Debian's `chromium`, driven by playwright-core). Screenshots land in the folder the
 * test prints. `EVOGIT_UPDATE_SCREENSHOT=1` also runs the example evolution and rewrites
 * `docs/report.png`, the screenshot in the README.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type ReportModel } from '../../src/index.js'
import { bestIndex } from '../../src/model/best.js'
import { MAX_LABELLED_NODES } from '../../src/report/views/lineage.js'
import { tempDir } from '../helpers.js'
import { findChromium, launchChromium } from './browser.js'
import { importedStore, twoBranchStore, unscoredStore } from './stores.js'

const chromiumPath = findChromium()
const SHOTS = join(tmpdir(), 'evogit-report-screenshots')
const VIEWS = ['trajectories', 'branchTree', 'comparison', 'pareto', 'lineage', 'diversity', 'generations']
if (!chromiumPath) console.warn('SKIPPED: the report browser tests need Chromium (apt-get install chromium, or set CHROMIUM=/path/to/chromium); none was found.')

/** What a page did while it loaded: console errors, uncaught errors, and every request. */
interface Visit {
  page: Page
  errors: string[]
  requests: string[]
}

describe.skipIf(!chromiumPath)('the report in a real browser', () => {
  let context: BrowserContext
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ context, close } = await launchChromium(chromiumPath!))
    mkdirSync(SHOTS, { recursive: true })
    console.log(`report screenshots: ${SHOTS}`)
  }, 60_000)
  afterAll(async () => {
    await close?.()
  })

  async function visit(file: string): Promise<Visit> {
    const page = await context.newPage()
    const errors: string[] = []
    const requests: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('request', (r) => requests.push(r.url()))
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
    return { page, errors, requests }
  }

  /** Screenshots at desktop and phone sizes; fails when anything overflows horizontally. */
  async function shoot(v: Visit, name: string): Promise<void> {
    for (const [w, h, label] of [
      [1280, 800, 'desktop'],
      [390, 844, 'phone'],
    ] as const) {
      await v.page.setViewportSize({ width: w, height: h })
      // A string, evaluated in the page: the test's TypeScript has no DOM types.
      const overflow = await v.page.evaluate<{ scroll: number; client: number }>('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })')
      expect(overflow.scroll, `${name} at ${w}px overflows horizontally`).toBeLessThanOrEqual(overflow.client)
      await v.page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true })
    }
  }

  async function reportOf(dir: string, name: string): Promise<{ file: string; model: ReportModel }> {
    const file = join(tempDir(), `${name}.html`)
    const { model } = await (await openStore({ dir })).report({ output: file })
    return { file, model }
  }

  it('shows every view of a two-branch run, with the lines, axes and lineage nodes the data says', async () => {
    const dir = tempDir()
    await twoBranchStore(dir)
    const { file } = await reportOf(dir, 'two-branches')
    const v = await visit(file)
    expect(v.errors).toEqual([])
    expect(v.requests).toEqual([pathToFileURL(file).href])
    for (const id of VIEWS) {
      const section = v.page.locator(`section#${id}`)
      await expect.poll(() => section.getAttribute('data-available')).toBe('true')
      expect(await section.locator('h2').isVisible()).toBe(true)
    }
    // One best line per branch, one vertex per generation: main 0..5, wide 3 (its fork point)..7.
    const chart = v.page.locator('figure[data-view="trajectory"][data-objective="accuracy"]')
    const lines: { label: string; vertices: number }[] = []
    for (const path of await chart.locator('g.best_line_marks path').all()) {
      lines.push({ label: (await path.getAttribute('aria-label')) ?? '', vertices: ((await path.getAttribute('d'))?.match(/[ML]/g) ?? []).length })
    }
    expect(lines.map((l) => [/branch: (\w+)/.exec(l.label)?.[1], l.vertices]).sort()).toEqual([
      ['main', 6],
      ['wide', 5],
    ])
    expect(await chart.locator('.role-axis-title text').allTextContents()).toEqual(['generation', 'accuracy (max: higher is better)'])
    expect(await v.page.locator('figure[data-view="trajectory"][data-objective="cost"] .role-axis-title text').allTextContents()).toContain('cost (max: higher is better)')
    // Lineage: the best of main's generation 5 is g5-5; the page draws the ancestry the store
    // recorded for it (each individual i has parents i and i+1 mod 6, so 1 + 2 + … + 6 nodes over 6 generations).
    const tree = await (await openStore({ dir })).ancestry('g5-5', { generation: 5, ref: 'main' })
    const expected = new Set(tree.nodes.map((n) => String(n.id)))
    expect(expected.size).toBe(1 + 2 + 3 + 4 + 5 + 6)
    expect(expected).toContain('g0-0')
    const labels = await v.page.locator('figure[data-view="lineage"][data-branch="main"] g.lineage_label_marks text').allTextContents()
    expect(new Set(labels)).toEqual(expected)
    expect(await v.page.locator('figure[data-view="lineage"][data-branch="main"] g.lineage_node_marks path').count()).toBe(expected.size)
    // The branch tree names the setting that changed at the fork.
    expect(await v.page.locator('section#branchTree').innerText()).toContain('mutationRate: 0.1 → 0.5')
    await shoot(v, 'two-branches')
    await v.page.close()
  })

  it('renders readable pages for an empty store, one unscored generation and a store without sidecars', async () => {
    const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
      ['empty', async (dir) => void (await openStore({ dir })), /no branches with saved generations yet/],
      ['unscored', unscoredStore, /no generation has scores/],
      ['no-sidecars', importedStore, /No metadata sidecar/],
    ]
    for (const [name, make, says] of cases) {
      const dir = tempDir()
      await make(dir)
      const { file } = await reportOf(dir, name)
      const v = await visit(file)
      expect(v.errors, name).toEqual([])
      expect(v.requests, name).toEqual([pathToFileURL(file).href])
      expect(await v.page.locator('section[data-view]').count(), name).toBe(VIEWS.length)
      const text = await v.page.locator('body').innerText()
      expect(text, name).toMatch(says)
      expect(await v.page.locator('section[data-available="false"] .missing').count(), name).toBeGreaterThan(0)
      await shoot(v, name)
      await v.page.close()
    }
  })

  const root = resolve(import.meta.dirname, '../..')
  /** The example evolution (`npm start`) in a fresh directory (temp directories go after each test). */
  function exampleRun(): string {
    const dir = join(tempDir(), 'persona_data')
    execFileSync(process.execPath, [join(root, 'dist/examples/evolve.js'), '--dir', dir], { stdio: 'ignore' })
    return dir
  }

  it('draws the lineage the example run recorded: the ancestry of the best of the last generation', async () => {
    const dir = exampleRun()
    const store = await openStore({ dir })
    const tip = (await store.resume())!
    const sidecar = tip.sidecar!
    const best = bestIndex(sidecar.scores, { primary: sidecar.primary, direction: sidecar.objectives[sidecar.primary!]! })!
    const id = sidecar.lineage![best]!.id
    const tree = await store.ancestry(id, { generation: tip.generation, ref: 'main' })
    // The example's lineage is deep and branching, not a single chain.
    expect(new Set(tree.nodes.map((n) => n.generation)).size).toBe(tip.generation + 1)
    expect(tree.edges.length).toBeGreaterThan(tree.nodes.length - 1)
    const { file } = await reportOf(dir, 'example-lineage')
    const v = await visit(file)
    expect(v.errors).toEqual([])
    const figure = v.page.locator('figure[data-view="lineage"][data-branch="main"]')
    expect(await figure.getAttribute('data-root')).toBe(String(id))
    const expected = tree.nodes.map((n) => `${String(n.id)}${n.op ? ` (${n.op})` : ''}`).sort()
    const marks = await figure.locator('g.lineage_node_marks path').all()
    expect(marks).toHaveLength(tree.nodes.length)
    const named = await Promise.all(marks.map((m) => m.getAttribute('aria-label')))
    expect(named.sort()).toEqual(expected)
    // Too many nodes to print every label legibly: only the best individual is labelled.
    expect(tree.nodes.length).toBeGreaterThan(MAX_LABELLED_NODES)
    const root = tree.nodes.find((n) => n.depth === 0)!
    expect(await figure.locator('g.lineage_label_marks text').allTextContents()).toEqual([`${String(root.id)}${root.op ? ` (${root.op})` : ''}`])
    await v.page.close()
  })

  it.runIf(process.env['EVOGIT_UPDATE_SCREENSHOT'] === '1')('regenerates docs/report.png from the example run', async () => {
    const { file } = await reportOf(exampleRun(), 'example')
    const v = await visit(file)
    expect(v.errors).toEqual([])
    for (const id of VIEWS) expect(await v.page.locator(`section#${id}`).getAttribute('data-available'), id).toBe('true')
    await v.page.setViewportSize({ width: 1280, height: 800 })
    mkdirSync(join(root, 'docs'), { recursive: true })
    const png = await v.page.screenshot({ clip: { x: 0, y: 0, width: 1280, height: 1100 }, fullPage: true })
    writeFileSync(join(root, 'docs', 'report.png'), png)
    await v.page.close()
  })
})
