/**
 * Lineage targets (issue #11): a walk of depth d reads O(d) sidecars however long the history,
 * and recording lineage adds at most 10% to a save.
 */
import { join } from 'node:path'
import { openStore, personaSchema, type LineageInput } from '../../src/index.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../data.js'
import { median, time } from '../measure.js'
import type { BenchConfig, TargetResult } from '../run.js'

type Target = (id: string, title: string, figure: number, baseline: number, unit: string, limit: number, note: string) => TargetResult

const DEPTH = 10

/** Two parents per child, both in the previous generation, ids by position (`<generation>:<index>`). */
function lineageFor(generation: number, size: number): LineageInput[] {
  if (generation === 0) return Array.from({ length: size }, () => ({}))
  return Array.from({ length: size }, (_, i) => ({
    parents: [
      { generation: generation - 1, id: `${generation - 1}:${i}` },
      { generation: generation - 1, id: `${generation - 1}:${(i + 1) % size}` },
    ],
    op: 'crossover',
  }))
}

/** Builds a chain of `generations` small generations with lineage (untimed), then times cold walks near the start and at the end. */
async function walkTargets(root: string, config: BenchConfig, target: Target, log: (line: string) => void): Promise<TargetResult[]> {
  // The first long window of the history target: a walk across about as many generations.
  const generations = config.lateWindows[0]![1]
  const size = 4
  log(`lineage: ${generations} generations of ${size} with lineage, then walks of depth ${DEPTH}`)
  const dir = join(root, 'lineage-walk')
  // Building the history is not what is measured: no fsync.
  const store = await openStore({ dir, durable: false })
  for (let g = 0; g < generations; g++) await store.saveGeneration(g, Array.from({ length: size }, (_, i) => ({ g, i })), { scores: [g, g, g, g], lineage: lineageFor(g, size) })
  const early = DEPTH * 2
  const runs = Math.max(3, config.logRuns)
  const late: number[] = []
  const near: number[] = []
  let reads = { sidecarReads: 0, populationReads: 0, cacheHits: 0 }
  for (let r = 0; r < runs; r++) {
    // A freshly opened store each time: no sidecar cached, every one really read. Its root tree
    // (one entry per generation, so it grows with the history whatever lineage does) is read
    // first by listGenerations, so that the figure is the walk's own cost.
    const a = await openStore({ dir })
    await a.listGenerations()
    late.push(await time(async () => (reads = (await a.ancestry(`${generations - 1}:0`, { generation: generations - 1, depth: DEPTH })).reads)))
    const b = await openStore({ dir })
    await b.listGenerations()
    near.push(await time(() => b.ancestry(`${early}:0`, { generation: early, depth: DEPTH })))
  }
  if (reads.populationReads !== 0) throw new Error(`the lineage walk read ${reads.populationReads} population files`)
  return [
    target('L1a', `lineage walk, depth ${DEPTH}, sidecar reads`, reads.sidecarReads, DEPTH + 1, 'reads', 1, `sidecars read by ancestry(depth ${DEPTH}) from generation ${generations - 1} on a fresh store vs depth + 1 (one per generation walked); population files read: ${reads.populationReads}`),
    target('L1b', `lineage walk at ${generations} vs ${early} generations`, median(late), median(near), 'ms', 1.5, `median ancestry(depth ${DEPTH}) from generation ${generations - 1} vs from generation ${early}, each on a freshly opened store (no sidecar cached) after listGenerations`),
  ]
}

/** Saves the same populations into two stores, with and without lineage, alternating, and compares medians. */
async function saveTarget(root: string, config: BenchConfig, target: Target, log: (line: string) => void): Promise<TargetResult> {
  log(`lineage: ${config.saveRuns} saves of ${config.saveSize}, with and without lineage`)
  const plain = await openStore({ dir: join(root, 'lineage-plain'), schema: personaSchema, durable: config.durable })
  const recorded = await openStore({ dir: join(root, 'lineage-recorded'), schema: personaSchema, durable: config.durable })
  const r = rng(config.seed + 2)
  let population = initialPopulation(r, config.saveSize)
  const without: number[] = []
  const withLineage: number[] = []
  for (let g = 0; g < config.saveRuns; g++) {
    const scores = scoresOf(population)
    const lineage = lineageFor(g, population.length)
    // Alternate which goes first, so the machine's drift weighs on both alike.
    const savePlain = async () => without.push(await time(() => plain.saveGeneration(g, population, { scores })))
    const saveRecorded = async () => withLineage.push(await time(() => recorded.saveGeneration(g, population, { scores, lineage })))
    if (g % 2 === 0) await savePlain().then(saveRecorded)
    else await saveRecorded().then(savePlain)
    population = nextGeneration(r, population)
  }
  const skip = Math.min(3, Math.floor(config.saveRuns / 4))
  return target(
    'L2',
    `save ${config.saveSize} with lineage vs without`,
    median(withLineage.slice(skip)),
    median(without.slice(skip)),
    'ms',
    1.1,
    `median save with lineage (two parents each, validated against the previous generation) vs the same saves without, alternating`,
  )
}

/** Every lineage target, in order. */
export async function lineageTargets(root: string, config: BenchConfig, target: Target, log: (line: string) => void): Promise<TargetResult[]> {
  return [...(await walkTargets(root, config, target, log)), await saveTarget(root, config, target, log)]
}
