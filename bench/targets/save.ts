/**
 * Save of a big generation (1a–1c): the store against plain JSON.stringify + write + fsync, native
 * `git add` + `git commit`, and the hand-written durable floor, each measured alternately with
 * the store's saves so that machine load weighs on all alike. With `--breakdown`, the medians of
 * the store's own per-phase timings.
 */
import { open, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { openStore, personaSchema, type Persona } from '../../src/index.js'
import { setSavePhaseListener } from '../../src/store/save-phases.js'
import type { BenchContext, BenchTarget } from '../context.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../data.js'
import { execFile, median, time } from '../measure.js'
import { target } from '../report.js'
import { DurableFloor } from './floor.js'

/** What the original store does: stringify with indentation and write the file. */
export async function plainSave(path: string, population: readonly Persona[], durable: boolean): Promise<void> {
  const text = `${JSON.stringify(population, null, 2)}\n`
  if (!durable) return writeFile(path, text)
  const handle = await open(path, 'w')
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export const saveTarget: BenchTarget = {
  name: 'save',
  async run(ctx: BenchContext) {
    const { config, env } = ctx
    ctx.log(`save: ${config.saveRuns} generations of ${config.saveSize}`)
    const plainDir = await ctx.dir('plain')
    const storeDir = await ctx.dir('store')
    const cliDir = await ctx.dir('cli')
    const floorDir = await ctx.dir('floor')
    await mkdir(join(cliDir, '.evogit', 'meta', '0'), { recursive: true })
    await execFile('git', ['init', '-q', '-b', 'main', cliDir], { env })
    await execFile('git', ['init', '-q', '-b', 'main', floorDir], { env })
    const floor = new DurableFloor(floorDir)
    const store = await openStore({ dir: storeDir, schema: personaSchema, durable: config.durable })
    const r = rng(config.seed)
    let population = initialPopulation(r, config.saveSize)
    const plainTimes: number[] = []
    const saveTimes: number[] = []
    const cliTimes: number[] = []
    const floorTimes: number[] = []
    const phases = new Map<string, number[]>()
    let current: Map<string, number> | null = null
    if (ctx.breakdown) setSavePhaseListener((phase, ms) => current?.set(phase, (current.get(phase) ?? 0) + ms))
    try {
      for (let g = 0; g < config.saveRuns; g++) {
        const scores = scoresOf(population)
        plainTimes.push(await time(() => plainSave(join(plainDir, `gen_${g}.json`), population, config.durable)))
        current = new Map()
        const ms = await time(() => store.saveGeneration(g, population, { scores }))
        saveTimes.push(ms)
        const accounted = [...current.values()].reduce((a, b) => a + b, 0)
        current.set('lock release, return', ms - accounted)
        for (const [phase, t] of current) phases.set(phase, [...(phases.get(phase) ?? []), t])
        current = null
        floorTimes.push(await time(() => floor.save(g, population, scores)))
        await writeFile(join(cliDir, `gen_${g}.json`), `${JSON.stringify(population, null, 2)}\n`)
        await writeFile(join(cliDir, '.evogit', 'meta', '0', `${g}.json`), `${JSON.stringify({ generation: g, scores }, null, 2)}\n`)
        cliTimes.push(
          await time(async () => {
            await execFile('git', ['add', '--', `gen_${g}.json`, `.evogit/meta/0/${g}.json`], { cwd: cliDir, env })
            await execFile('git', ['commit', '-q', '-m', `generation ${g}`], { cwd: cliDir, env })
          }),
        )
        population = nextGeneration(r, population)
      }
    } finally {
      setSavePhaseListener(null)
    }
    // The floor is ordinary git, or it would not be a floor of anything.
    await execFile('git', ['fsck', '--strict', '--no-progress'], { cwd: floorDir, env })
    // The first saves warm up the JIT and the caches; a long run is what matters.
    const skip = Math.min(3, Math.floor(config.saveRuns / 4))
    const save = median(saveTimes.slice(skip))
    const plain = median(plainTimes.slice(skip))
    const cli = median(cliTimes.slice(skip))
    const durableFloor = median(floorTimes.slice(skip))
    const sync = config.durable ? 'with fsync' : 'without fsync'
    const runs = saveTimes.length - skip
    ctx.add(
      target('1a', `save ${config.saveSize} vs stringify+write`, save, plain, 'ms', 2, `median of ${runs} saves (${sync}) vs JSON.stringify + writeFile (${sync}) of the same population; moonshot 2×`),
      target('1b', `save ${config.saveSize} vs git add+commit`, save, cli, 'ms', 0.5, 'same saves vs native `git add` + `git commit` of the same two files (already written)'),
      target('1c', `save ${config.saveSize} vs durable floor`, save, durableFloor, 'ms', 1.25, 'same saves vs the hand-written floor (bench/targets/floor.ts: stringify, sha1, level-1 deflate, every file fsynced, trees, commit, ref), alternating'),
    )
    ctx.extra['save.moonshot1.5x'] = save / plain <= 1.5
    if (ctx.breakdown) ctx.setBreakdown(Object.fromEntries([...phases].map(([phase, t]) => [phase, median(t.slice(skip))])))
  },
}
