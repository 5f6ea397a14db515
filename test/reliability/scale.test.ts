// Scale (issue #15): a 1,000,000-individual population of small objects saves, loads and diffs
// within bounded memory, measured as peak RSS in a child process, and never crashes out of memory.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { git, tempDir } from '../helpers.js'
import { DIST, ensureBuilt } from './harness.js'

/** 1,000,000 by default, as the issue asks; EVOGIT_SCALE_SIZE changes it. */
const SIZE = Number(process.env['EVOGIT_SCALE_SIZE'] ?? 1_000_000)
const CHILD = join(import.meta.dirname, 'fixtures', 'scale-child.mjs')

/**
 * Peak RSS over the RSS before each step, as multiples of gen_<n>.json's size. Saving is held to
 * the benchmark's target (bench/run.ts, target 6: at most 4x). Loading returns the population
 * itself, whose JS objects take about 4.6x their JSON; a diff holds both populations and their
 * key index.
 */
const BOUNDS = { save: 4, saveNext: 4, load: 6, diff: 14 }

beforeAll(ensureBuilt)

describe(`a population of ${SIZE.toLocaleString('en')} small objects`, () => {
  it('saves, loads and diffs within bounded memory in a 2 GiB heap, with no out-of-memory crash', () => {
    const dir = join(tempDir(), 'store')
    if (!existsSync('/proc/self/clear_refs')) {
      console.warn('skipped: peak RSS needs /proc/self/clear_refs (Linux)')
      return
    }
    // A crash (out of memory, or anything untyped) makes execFileSync throw with the child's stderr.
    const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=2048', CHILD, DIST, dir, String(SIZE)], { encoding: 'utf8', maxBuffer: 1 << 20 })
    const figures = JSON.parse(out) as { jsonBytes: number; loaded: number; diffResult: { changed: number }; refused?: { code: string } } & Record<keyof typeof BOUNDS, number>
    const ratios = Object.fromEntries(Object.keys(BOUNDS).map((k) => [k, Math.round((figures[k as keyof typeof BOUNDS] / figures.jsonBytes) * 100) / 100]))
    console.log(`scale test: ${JSON.stringify({ ...figures, ratios })}`)
    expect(figures.refused).toBeUndefined()
    expect(figures.loaded).toBe(SIZE)
    expect(figures.diffResult.changed).toBe(Math.ceil(SIZE / 100))
    for (const [step, bound] of Object.entries(BOUNDS)) expect(ratios[step], `${step}: peak RSS ${ratios[step]}x the JSON`).toBeLessThanOrEqual(bound)
    git(dir, 'fsck', '--strict', '--no-progress')
    expect(git(dir, 'status', '--porcelain')).toBe('')
  }, 300_000)
})
