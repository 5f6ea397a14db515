/**
 * Target 7: what scoring on three objectives (directions, stats, non-dominated sorting,
 * hypervolume) costs a save of `saveSize` individuals, against the same save with one objective.
 * Saves to the two stores alternate, so machine load weighs on both alike.
 */
import { openStore, personaSchema, type Persona } from '../../src/index.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../data.js'
import { median, time } from '../measure.js'

/** The figure (3 objectives) and baseline (1 objective), median milliseconds per save. */
export async function measurePareto(dir: string, config: { seed: number; saveSize: number; saveRuns: number; durable: boolean }): Promise<{ figure: number; baseline: number; frontSize: number }> {
  const objectives = { openness: 'max', neuroticism: 'min', agreeableness: 'max' } as const
  const multi = await openStore({ dir: `${dir}/three`, schema: personaSchema, durable: config.durable, objectives })
  const single = await openStore({ dir: `${dir}/one`, schema: personaSchema, durable: config.durable })
  const r = rng(config.seed + 7)
  let population = initialPopulation(r, config.saveSize)
  const three: number[] = []
  const one: number[] = []
  const trait = (p: Persona, t: string) => p.personality_traits[t] ?? 0
  for (let g = 0; g < config.saveRuns; g++) {
    const scores = { openness: population.map((p) => trait(p, 'openness')), neuroticism: population.map((p) => trait(p, 'neuroticism')), agreeableness: population.map((p) => trait(p, 'agreeableness')) }
    const plain = scoresOf(population)
    // Alternate which store goes first, so neither always runs on a warmer cache.
    const runThree = async () => three.push(await time(() => multi.saveGeneration(g, population, { scores })))
    const runOne = async () => one.push(await time(() => single.saveGeneration(g, population, { scores: plain })))
    if (g % 2 === 0) await runThree().then(runOne)
    else await runOne().then(runThree)
    population = nextGeneration(r, population)
  }
  const frontSize = (await multi.loadMetadata(config.saveRuns - 1))?.pareto?.front.length ?? 0
  const skip = Math.min(3, Math.floor(config.saveRuns / 4))
  return { figure: median(three.slice(skip)), baseline: median(one.slice(skip)), frontSize }
}
