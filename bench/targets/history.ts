/**
 * A long run of small generations (2, 2b, 4a, 4b, 5, 7a–7c, 9): one store, opened with the
 * defaults a user gets (background compaction included), grows to the last late window. At the
 * checkpoint (5000 generations in the full run) it stops to measure size, log and branches (three
 * more branches are made there), then repacks the whole history; a few generations later it
 * compacts again, incrementally; then it goes on to 10,000. Each late window's saves alternate
 * with saves of a fresh store's early generations, so machine load weighs on both alike.
 *
 * Only the timed saves (the windows, the forks) fsync. The thousands of generations in between are
 * written through a second handle on the same store opened with `durable: false`: the repository
 * they leave is byte for byte the same, and without an fsync per file the run fits the 8-minute
 * budget of the whole bench (10,000 durable saves alone took over 4 minutes here).
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { openStore, personaSchema, type Persona, type Store } from '../../src/index.js'
import type { BenchContext, BenchTarget } from '../context.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../data.js'
import { execFile, median, time, treeSize } from '../measure.js'
import { target, type TargetResult } from '../report.js'

/** Bytes of `gen_<n>.json` and its sidecar, as written. */
export async function savedBytes(dir: string, generation: number): Promise<number> {
  const bucket = Math.floor(generation / 100)
  const [a, b] = await Promise.all([stat(join(dir, `gen_${generation}.json`)), stat(join(dir, '.evogit', 'meta', String(bucket), `${generation}.json`))])
  return a.size + b.size
}

/** Compacts (the whole history with `full`), or stops the bench: compaction needs native git. */
export async function compactStore(store: Store<Persona>, full = false): Promise<number> {
  let seconds = 0
  const ms = await time(async () => {
    const result = await store.compact(full ? { full: true } : {})
    if (!result.compacted) throw new Error(`the benchmark needs native git: ${result.message}`)
    seconds = result.seconds
  })
  return seconds || ms / 1000
}

async function measureLog(ctx: BenchContext, dir: string, generations: number): Promise<TargetResult> {
  const { config, env } = ctx
  const ours: number[] = []
  const native: number[] = []
  for (let i = 0; i < config.logRuns; i++) {
    // A freshly opened store each time: no commit cache survives from the previous call.
    const store = await openStore({ dir, schema: personaSchema })
    let entries = 0
    ours.push(await time(async () => (entries = (await store.log({ limit: config.logLimit })).length)))
    if (entries !== Math.min(config.logLimit, generations)) throw new Error(`store.log returned ${entries} entries`)
    native.push(await time(() => execFile('git', ['log', '-n', String(config.logLimit), '--format=%(trailers)'], { cwd: dir, env, maxBuffer: 1 << 28 })))
  }
  return target('5', `log of ${config.logLimit} at ${generations} gens`, median(ours), median(native), 'ms', 1.25, `median store.log({ limit: ${config.logLimit} }) on a freshly opened store vs native \`git log -n ${config.logLimit} --format=%(trailers)\` (process included), loose repository`)
}

async function measureBranches(ctx: BenchContext, dir: string, generations: number): Promise<TargetResult> {
  const { config, env } = ctx
  const ours: number[] = []
  const native: number[] = []
  let count = 0
  for (let i = 0; i < config.branchesRuns; i++) {
    const store = await openStore({ dir, schema: personaSchema })
    ours.push(await time(async () => (count = (await store.branches()).length)))
    native.push(
      await time(async () => {
        const { stdout } = await execFile('git', ['for-each-ref', '--format=%(refname)', 'refs/heads/'], { cwd: dir, env })
        for (const ref of stdout.trim().split('\n')) await execFile('git', ['log', '-1', '--format=%H%n%(trailers)', ref], { cwd: dir, env })
      }),
    )
  }
  return target('9', `branches() with ${count} branches at ${generations} gens`, median(ours), median(native), 'ms', 3, 'median store.branches() on a freshly opened store vs native `git for-each-ref` + `git log -1` per branch (processes included)')
}

export const historyTarget: BenchTarget = {
  name: 'history',
  async run(ctx: BenchContext) {
    const { config } = ctx
    const end = Math.max(...config.lateWindows.map((w) => w[1]), config.checkpoint + config.incrementalGenerations)
    ctx.log(`flat history: ${end} generations of ${config.flatSize}`)
    const flatDir = await ctx.dir('flat')
    const flat = await openStore({ dir: flatDir, schema: personaSchema, durable: config.durable })
    const filler = config.durable ? await openStore({ dir: flatDir, schema: personaSchema, durable: false }) : flat
    const settle = async () => {
      // Either handle may be compacting in the background (the default, every 250 of its saves).
      await filler.compaction()
      await flat.compaction()
    }
    const fr = rng(config.seed + 1)
    let flatPop = initialPopulation(fr, config.flatSize)
    let rawBytes = 0
    const windows = await Promise.all(
      config.lateWindows.map(async (window) => {
        // Each late window gets a fresh store for its early generations, measured alongside it.
        const dir = await ctx.dir('flat-early')
        const store = await openStore({ dir, schema: personaSchema, durable: config.durable })
        const er = rng(config.seed + 1)
        let pop = initialPopulation(er, config.flatSize)
        const saveEarly = async (g: number) => {
          const ms = await time(() => store.saveGeneration(g, pop, { scores: scoresOf(pop) }))
          pop = nextGeneration(er, pop)
          return ms
        }
        return { window, saveEarly, early: [] as number[], late: [] as number[] }
      }),
    )
    let fullCompaction = 0
    for (let g = 0; g < end; g++) {
      if (g === config.checkpoint) {
        // ---- at the checkpoint: loose size, log, branches, then a full compaction ----
        const loose = await treeSize(join(flatDir, '.git'))
        ctx.add(
          target('4a', `size, default store, at ${g} gens`, loose.bytes, rawBytes, 'bytes', 0.3, `apparent size of .git after ${g} saves with openStore's defaults (background compaction every 250 saves) vs bytes of every gen_<n>.json and sidecar written`),
        )
        ctx.extra['size.looseAllocated'] = loose.allocated
        ctx.extra['size.looseFiles'] = loose.files
        ctx.add(await measureLog(ctx, flatDir, g))
        // Three more branches, forked at 80%, 50% and 20% of the run, with two generations each.
        for (const [k, at] of [0.8, 0.5, 0.2].entries()) {
          const from = Math.floor(g * at)
          const name = `fork-${k + 1}`
          await flat.branch(name, { from, checkout: false })
          let pop = flatPop
          for (let j = 1; j <= 2; j++) {
            pop = nextGeneration(fr, pop)
            await flat.saveGeneration(from + j, pop, { scores: scoresOf(pop), branch: name })
          }
        }
        ctx.add(await measureBranches(ctx, flatDir, g))
        // The store has packed in the background all along (the default); let the running one end,
        // then repack the whole history, the most a compaction of this store can cost.
        await settle()
        ctx.log(`compact the whole history at ${g} generations`)
        fullCompaction = await compactStore(flat, true)
        ctx.add(target('7a', `compact, whole history, at ${g} gens`, fullCompaction, 120, 's', 1, `store.compact({ full: true }) of the ${g}-generation store (every object searched for a delta again) vs the issue's 2-minute budget`))
        const packed = await treeSize(join(flatDir, '.git'))
        ctx.add(target('4b', 'size, after compact', packed.bytes, rawBytes, 'bytes', 0.05, `apparent size of .git after store.compact() at ${g} generations vs the same raw bytes`))
      }
      if (g === config.checkpoint + config.incrementalGenerations) {
        ctx.log(`compact again after ${config.incrementalGenerations} more generations`)
        await settle()
        const incremental = await compactStore(flat)
        const share = (fullCompaction * config.incrementalGenerations) / config.checkpoint
        ctx.add(
          target('7b', `compact, incremental (+${config.incrementalGenerations})`, incremental, share, 's', 3, `store.compact() after ${config.incrementalGenerations} more generations vs the full compaction's time × ${config.incrementalGenerations}/${config.checkpoint} (what is new): proportional, with room for a fixed cost`),
        )
        ctx.extra['compact.incrementalSeconds'] = incremental
        ctx.extra['size.afterIncremental'] = (await treeSize(join(flatDir, '.git'))).bytes / rawBytes
      }
      const scores = scoresOf(flatPop)
      const w = windows.find((x) => g >= x.window[0] && g < x.window[1])
      if (w) {
        const k = g - w.window[0]
        if (k === 0) for (let e = 0; e < config.earlyWindow[0]; e++) await w.saveEarly(e)
        if (config.earlyWindow[0] + k < config.earlyWindow[1]) w.early.push(await w.saveEarly(config.earlyWindow[0] + k))
        w.late.push(await time(() => flat.saveGeneration(g, flatPop, { scores })))
      } else await filler.saveGeneration(g, flatPop, { scores })
      rawBytes += await savedBytes(flatDir, g)
      flatPop = nextGeneration(fr, flatPop)
      if (g % 500 === 499) ctx.log(`  ${g + 1} generations`)
    }
    for (const [i, w] of windows.entries()) {
      const id = i === 0 ? '2' : `2${String.fromCharCode(97 + i)}`
      ctx.add(
        target(id, `flat history at ${w.window[0]} (${config.flatSize}/gen)`, median(w.late), median(w.early), 'ms', i === 0 ? 1.25 : 1.15, `median save of generations ${w.window.join('–')} vs ${config.earlyWindow.join('–')} of a fresh store, saves alternating (half-open ranges)`),
      )
    }
    await settle()
    ctx.extra['size.looseRatio.end'] = (await treeSize(join(flatDir, '.git'))).bytes / rawBytes
  },
}
