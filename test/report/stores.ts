import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openStore } from '../../src/index.js'
import { fixedClock, git } from '../helpers.js'

/** An individual with an id, its parents' ids and one numeric gene. */
function individual(generation: number, i: number, parents: string[]) {
  return { id: `g${generation}-${i}`, parents, gene: generation + i / 10, label: `x${i % 3}` }
}

/**
 * A real store with two branches: `main` (generations 0..5, mutation rate 0.1) and `wide`, forked
 * at generation 3 with mutation rate 0.5 (generations 4..7). Two objectives, `accuracy` and
 * `cost`; every save records lineage (each individual's parents), so the lineage view has data.
 */
export async function twoBranchStore(dir: string): Promise<void> {
  const store = await openStore({ dir, clock: fixedClock() })
  const size = 6
  const save = async (g: number, rate: number, branchOffset: number) => {
    const population = Array.from({ length: size }, (_, i) => individual(g, i, g === 0 ? [] : [`g${g - 1}-${i}`, `g${g - 1}-${(i + 1) % size}`]))
    const accuracy = population.map((_, i) => Math.round((0.1 * g + 0.05 * i + branchOffset) * 1000) / 1000)
    const cost = population.map((_, i) => Math.round((10 - i - 0.5 * g) * 1000) / 1000)
    // Lineage as the store records it: ids from the `id` field, parents in the generation before.
    const lineage = population.map((ind) => ({ parents: ind.parents.map((id) => ({ generation: g - 1, id })) }))
    await store.saveGeneration(g, population, { scores: { accuracy, cost }, lineage, meta: { settings: { mutationRate: rate, population: size }, rngState: 1000 + g } })
  }
  for (let g = 0; g <= 5; g++) await save(g, 0.1, 0)
  await store.branch('wide', { from: 3, checkout: true })
  for (let g = 4; g <= 7; g++) await save(g, 0.5, 0.2)
  await store.checkout('main')
}

/** A store with one generation and no scores at all. */
export async function unscoredStore(dir: string): Promise<void> {
  const store = await openStore({ dir, clock: fixedClock() })
  await store.saveGeneration(0, [{ name: 'a' }, { name: 'b' }])
}

/**
 * A directory written by the original Python store and kept in git by hand (one commit per
 * generation, with a `Generation` trailer, no sidecars), then adopted as a store.
 */
export async function importedStore(dir: string): Promise<void> {
  git(dir, 'init', '-q', '-b', 'main')
  for (let g = 0; g < 3; g++) {
    writeFileSync(join(dir, `gen_${g}.json`), JSON.stringify([{ name: `p${g}`, age: 30 + g }, { name: `q${g}`, age: 40 }], null, 2))
    git(dir, 'add', `gen_${g}.json`)
    git(dir, 'commit', '-q', '-m', `generation ${g}`, '-m', `Generation: ${g}`)
  }
  await openStore({ dir, adopt: true, clock: fixedClock() })
}
