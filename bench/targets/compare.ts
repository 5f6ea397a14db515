/**
 * Target cmp: `store.compare()` over many long experiments costs at most twice what native
 * `git log --all --format=%(trailers)` costs on the same repository, because it reads only
 * commit trailers and one sidecar per row, never a population file.
 *
 * The repository: `main` with `generations` generations, and `branches - 1` more branches
 * forked from main halfway, each continued to the same length with its own settings, so every
 * row has `generations` generations (20 × 1000 in the full run).
 *
 * It is measured in two states, each a defined one: loose (built with `autoCompact: false`), then
 * packed (after `compact()`), which is the target because a store left at its defaults packs
 * itself every 250 saves. Before this, the repository was built with the default auto-compaction
 * and timed at once: the compaction started by the 10,500th save was still running (and
 * replacing packs) during the first timed runs, and the later runs read a packed store, while
 * the note said "loose". That is why a script timing a loose copy found 1.28× where the bench
 * found 3.02×: on one machine, the same code measured 1.40× loose and 2.30× packed.
 */
import { join } from 'node:path'
import { openStore, personaSchema } from '../../src/index.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../data.js'
import { execFile, median, time } from '../measure.js'

/** The sizes per benchmark configuration (`full` is `npm run bench`, `quick` the smoke test's). */
export const COMPARE_SIZES: Record<string, { branches: number; generations: number; population: number; runs: number }> = {
  full: { branches: 20, generations: 1000, population: 10, runs: 7 },
  quick: { branches: 3, generations: 20, population: 4, runs: 2 },
}

/** What the target measured, in the shape bench/run.ts turns into a result row. */
export interface CompareMeasurement {
  id: string
  title: string
  figure: number
  baseline: number
  limit: number
  note: string
}

/**
 * Builds the repository in `dir` and times compare against native git log on it, loose and
 * packed; the packed row (`cmp`) is the target, the loose one (`cmp-loose`) is held to the same limit.
 */
export async function measureCompare(options: { dir: string; configName: string; seed: number; env: NodeJS.ProcessEnv; log?: (line: string) => void }): Promise<CompareMeasurement[]> {
  const { dir, env } = options
  const size = COMPARE_SIZES[options.configName] ?? COMPARE_SIZES['quick']!
  const forkAt = Math.floor(size.generations / 2) - 1
  options.log?.(`compare: ${size.branches} branches × ${size.generations} generations`)
  // No background compaction: it would still be running during the timed runs, on another core.
  const store = await openStore({ dir, schema: personaSchema, durable: false, autoCompact: false })
  const r = rng(options.seed + 7)
  const fork = initialPopulation(r, size.population)
  let population = fork
  let atFork = fork
  for (let g = 0; g < size.generations; g++) {
    await store.saveGeneration(g, population, { scores: scoresOf(population), meta: { settings: { mutationRate: 0.2, seed: options.seed }, rngState: g } })
    if (g === forkAt) atFork = population
    population = nextGeneration(r, population)
  }
  for (let b = 1; b < size.branches; b++) {
    const name = `exp-${String(b).padStart(2, '0')}`
    await store.branch(name, { from: forkAt })
    let pop = nextGeneration(r, atFork, 0.5)
    for (let g = forkAt + 1; g < size.generations; g++) {
      await store.saveGeneration(g, pop, { branch: name, scores: scoresOf(pop), meta: { settings: { mutationRate: 0.2 + b / 100, seed: options.seed }, rngState: g } })
      pop = nextGeneration(r, pop)
    }
    if (b % 5 === 0) options.log?.(`  ${b + 1} branches`)
  }
  const title = `compare ${size.branches}×${size.generations}`
  const runs = `median of ${size.runs} alternating runs: store.compare() of every branch on a freshly opened store (no commit cache survives, and compare keeps no cache on disk, so every run is cold but for the OS page cache, which native git shares) vs native \`git log --all --format=%(trailers)\` (its process start included)`
  const loose = await timeCompare(dir, env, size)
  options.log?.('compare: compacting')
  const compacted = await store.compact({ full: true })
  if (!compacted.compacted) throw new Error(`compact did not pack the compare repository: ${compacted.message}`)
  const packed = await timeCompare(dir, env, size)
  return [
    { id: 'cmp', title: `${title}, packed`, ...packed, limit: 2, note: `${runs}; after compact({ full: true }), one pack, as a store at its defaults nearly is (it packs what is new every 250 saves)` },
    { id: 'cmp-loose', title: `${title}, loose`, ...loose, limit: 2, note: `${runs}; before any compaction, every object loose` },
  ]
}

async function timeCompare(dir: string, env: NodeJS.ProcessEnv, size: { branches: number; generations: number; runs: number }): Promise<{ figure: number; baseline: number }> {
  const ours: number[] = []
  const native: number[] = []
  for (let i = 0; i < size.runs; i++) {
    // A freshly opened store each time: no commit cache survives from the previous call.
    const fresh = await openStore({ dir, schema: personaSchema })
    let rows = 0
    ours.push(await time(async () => (rows = (await fresh.compare()).rows.filter((row) => row.generations === size.generations).length)))
    if (rows !== size.branches) throw new Error(`store.compare returned ${rows} full rows, expected ${size.branches}`)
    native.push(await time(() => execFile('git', ['log', '--all', '--format=%(trailers)'], { cwd: dir, env, maxBuffer: 1 << 30 })))
  }
  return { figure: median(ours), baseline: median(native) }
}

/** Where the benchmark keeps this target's repository, under its temp root. */
export const compareDir = (root: string) => join(root, 'compare')
