/**
 * Measures the memory a save needs, in a process of its own so nothing else the benchmark did
 * is counted. Usage: `node memory-child.js <dir> <populationSize> <seed>`; prints one JSON line.
 *
 * How: build the population, open the store and save a warm-up generation of 600 (so code
 * loading and lazy initialisation are not counted), run a full GC, then reset the kernel's peak-RSS mark
 * (`echo 5 > /proc/self/clear_refs`, which resets VmHWM) and read VmRSS as the baseline. After
 * the save, VmHWM is the highest resident set size reached during it; the figure is
 * VmHWM - baseline. Where /proc is unavailable, RSS is sampled every millisecond instead (which
 * can miss short peaks, and the output says which method was used).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { openStore, personaSchema } from '../src/index.js'
import { initialPopulation, rng, scoresOf } from './data.js'

function procStatus(): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync('/proc/self/status', 'utf8')
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]) * 1024
    return { rss: field('VmRSS'), hwm: field('VmHWM') }
  } catch {
    return null
  }
}

async function main(): Promise<void> {
  const [dir, sizeArg, seedArg] = process.argv.slice(2)
  if (!dir || !sizeArg) throw new Error('usage: memory-child <dir> <populationSize> [seed]')
  const r = rng(Number(seedArg ?? 1))
  const population = initialPopulation(r, Number(sizeArg))
  const scores = scoresOf(population)
  const store = await openStore({ dir, schema: personaSchema })
  // The warm-up is past the deflate limit (512 KB), so it also starts the deflate worker, a fixed
  // cost of about 12 MB per process that any later big save shares (src/git/deflate-worker.ts).
  const warm = Math.min(population.length, 600)
  await store.saveGeneration(0, population.slice(0, warm), { scores: scores.slice(0, warm) })
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()

  let method = 'VmHWM after clear_refs'
  try {
    writeFileSync('/proc/self/clear_refs', '5')
  } catch {
    method = 'sampled every 1 ms'
  }
  const before = procStatus()
  const baseline = before?.rss ?? process.memoryUsage.rss()
  let sampledPeak = baseline
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss())
  }, 1)
  const saved = await store.saveGeneration(1, population, { scores })
  clearInterval(sampler)
  const after = procStatus()
  const peak = method === 'VmHWM after clear_refs' && after ? after.hwm : Math.max(sampledPeak, process.memoryUsage.rss())
  const jsonBytes = statSync(`${dir}/${saved.file}`).size
  process.stdout.write(`${JSON.stringify({ method, baseline, peak, delta: peak - baseline, jsonBytes, populationSize: population.length })}\n`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
