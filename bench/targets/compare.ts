/**
 * Target cmp: `store.compare()` over many long experiments costs at most twice what native
 * `git log --all --format=%(trailers)` costs on the same repository, because it reads only
 * commit trailers and one sidecar per row, never a population file.
 *
 * The repository: `main` with `generations` generations, and `branches - 1` more branches
 * forked from main halfway, each continued to the same length with its own settings, so every
 * row has `generations` generations (20 × 1000 in the full run).
 *
 * It is timed on a defined repository state, the one a store at its defaults reaches: the
 * build runs with the default auto-compaction (which packs what is new every 250 saves and
 * merges packs geometrically), and before timing, the compaction the last save started is
 * awaited and one more `compact()` packs whatever is still loose, so no compaction runs during
 * the timed calls. Before this, the background compaction started by the 10,500th save was
 * still repacking (on the other core, replacing packs) during the first timed runs, and the later
 * runs read a packed store, while the note said "loose objects". That is why a script timing a
 * loose copy found 1.28× where the bench found 3.02×: on one machine, the same code measured
 * 1.40× on a loose copy and 2.30× on the auto-compacted repository. A full `compact()` of the
 * loose repository is no stand-in: git packs its root trees far worse in one pass (93 MB
 * against 14 MB), which times the reading of a pack no store at its defaults has.
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

/** Builds the repository in `dir` and times compare against native git log on it. */
export async function measureCompare(options: { dir: string; configName: string; seed: number; env: NodeJS.ProcessEnv; log?: (line: string) => void }): Promise<CompareMeasurement> {
  const { dir, env } = options
  const size = COMPARE_SIZES[options.configName] ?? COMPARE_SIZES['quick']!
  const forkAt = Math.floor(size.generations / 2) - 1
  options.log?.(`compare: ${size.branches} branches × ${size.generations} generations`)
  const store = await openStore({ dir, schema: personaSchema, durable: false })
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
  // No compaction may run while compare is timed: await the one the last save started, then pack the rest.
  options.log?.('compare: finishing the compaction')
  await store.compaction()
  const packed = await store.compact()
  if (!packed.compacted || packed.after.packs === 0) throw new Error(`compact did not pack the compare repository: ${packed.message}`)
  const { figure, baseline } = await timeCompare(dir, env, size)
  return {
    id: 'cmp',
    title: `compare ${size.branches}×${size.generations}`,
    figure,
    baseline,
    limit: 2,
    note: `median of ${size.runs} alternating runs: store.compare() of every branch on a freshly opened store (packed as auto-compaction leaves a store: ${packed.after.packs} pack${packed.after.packs === 1 ? "" : "s"}, ${packed.after.looseObjects} loose objects, ${(packed.after.bytes / (1 << 20)).toFixed(1)} MiB; no commit cache survives, and compare keeps no cache on disk, so every run is cold but for the OS page cache, which native git shares) vs native \`git log --all --format=%(trailers)\` (its process start included)`,
  }
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
