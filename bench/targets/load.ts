/**
 * Load of a big generation (3a, 3b): `loadGeneration` of an old commit after compaction, without
 * and with a schema, against readFile + JSON.parse of the same file.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { openStore, personaSchema } from '../../src/index.js'
import type { BenchContext, BenchTarget } from '../context.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../data.js'
import { median, time, treeSize } from '../measure.js'
import { target } from '../report.js'
import { compactStore, savedBytes } from './history.js'
import { plainSave } from './save.js'

export const loadTarget: BenchTarget = {
  name: 'load',
  async run(ctx: BenchContext) {
    const { config } = ctx
    ctx.log(`load: ${config.saveRuns} generations of ${config.saveSize}`)
    const plainDir = await ctx.dir('load-plain')
    const storeDir = await ctx.dir('load-store')
    const store = await openStore({ dir: storeDir, schema: personaSchema, durable: config.durable })
    const r = rng(config.seed)
    let population = initialPopulation(r, config.saveSize)
    const commits: string[] = []
    let rawBig = 0
    for (let g = 0; g < config.saveRuns; g++) {
      await plainSave(join(plainDir, `gen_${g}.json`), population, false)
      commits.push((await store.saveGeneration(g, population, { scores: scoresOf(population) })).commit)
      rawBig += await savedBytes(storeDir, g)
      population = nextGeneration(r, population)
    }
    // The same loose-size figure for big generations, where the root tree's growth hardly counts.
    ctx.extra['size.looseRatio.saveRepo'] = (await treeSize(join(storeDir, '.git'))).bytes / rawBig
    await compactStore(store)
    ctx.extra['size.packedRatio.saveRepo'] = (await treeSize(join(storeDir, '.git'))).bytes / rawBig
    const plainSchemaFree = await openStore({ dir: storeDir, durable: config.durable })
    const withSchema = await openStore({ dir: storeDir, schema: personaSchema, durable: config.durable })
    const loadTimes: number[] = []
    const loadSchemaTimes: number[] = []
    const readTimes: number[] = []
    for (let i = 0; i < config.loadRuns; i++) {
      // A different old generation each time, read at its own commit, so no cache serves a repeat.
      const g = Math.floor(((i * 7919) % config.saveRuns) * 0.9)
      readTimes.push(await time(async () => JSON.parse(await readFile(join(plainDir, `gen_${g}.json`), 'utf8')) as unknown))
      loadTimes.push(await time(() => plainSchemaFree.loadGeneration(g, { ref: commits[g]! })))
      const h = (g + 1) % config.saveRuns
      loadSchemaTimes.push(await time(() => withSchema.loadGeneration(h, { ref: commits[h]! })))
    }
    const read = median(readTimes)
    const cold: number[] = []
    for (let i = 0; i < Math.min(5, config.loadRuns); i++) {
      const fresh = await openStore({ dir: storeDir, durable: config.durable })
      const g = (i * 3) % config.saveRuns
      cold.push(await time(() => fresh.loadGeneration(g, { ref: commits[g]! })))
    }
    ctx.extra['load.coldMs'] = median(cold)
    ctx.extra['load.coldRatio'] = median(cold) / read
    ctx.add(
      target('3a', `load ${config.saveSize}, packed, old commit`, median(loadTimes), read, 'ms', 2, 'median loadGeneration(k, { ref: commit of k }) after compact, no schema, vs readFile + JSON.parse'),
      target('3b', `load ${config.saveSize}, with schema`, median(loadSchemaTimes), read, 'ms', 2.5, 'same, store opened with personaSchema (every individual validated)'),
    )
  },
}
