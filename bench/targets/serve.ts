/**
 * Target 7: a save of 24 personas through one long-lived `evogit serve --stdio` (what a Python
 * engine pays per generation through examples/python/evogit_store.py) against one `evogit save`
 * process per generation (what shelling out costs). The bar: under 20 ms a save, against
 * more than 250 ms a process; the ratio limit 0.08 is that bar.
 */
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { initialPopulation, nextGeneration, rng } from '../data.js'
import { execFile, median } from '../measure.js'

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js')
const SIZE = 24

/** The figures of target 7; `runs` saves through serve, a third as many (at least 3) processes. */
export async function measureServe(options: { root: string; seed: number; runs: number; env: NodeJS.ProcessEnv }): Promise<{ serveMs: number; processMs: number; serveRuns: number; processRuns: number }> {
  const { root, env } = options
  const r = rng(options.seed)
  let population = initialPopulation(r, SIZE)

  // One `evogit save` process per generation, as an engine that shells out does.
  const cliDir = join(root, 'serve-cli')
  await execFile(process.execPath, [CLI, 'init', cliDir], { env })
  const processTimes: number[] = []
  const processRuns = Math.max(3, Math.ceil(options.runs / 3))
  for (let g = 0; g < processRuns; g++) {
    const file = join(root, `serve-pop-${g}.json`)
    await writeFile(file, JSON.stringify(population))
    const t = performance.now()
    await execFile(process.execPath, [CLI, 'save', String(g), file, '--dir', cliDir, '--schema', 'persona'], { env })
    processTimes.push(performance.now() - t)
    population = nextGeneration(r, population)
  }

  // The same saves through one serve child: request written, response line read.
  const child = spawn(process.execPath, [CLI, 'serve', '--stdio', '--dir', join(root, 'serve-store'), '--schema', 'persona'], { env, stdio: ['pipe', 'pipe', 'inherit'] })
  child.stdout.setEncoding('utf8')
  let buffered = ''
  const waiting: ((line: string) => void)[] = []
  child.stdout.on('data', (d: string) => {
    buffered += d
    let nl: number
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      waiting.shift()?.(line)
    }
  })
  const call = (request: unknown) =>
    new Promise<string>((done) => {
      waiting.push(done)
      child.stdin.write(`${JSON.stringify(request)}\n`)
    })
  await call({ id: 0, method: 'open' })
  const serveTimes: number[] = []
  const warmup = 2
  for (let g = 0; g < options.runs + warmup; g++) {
    const t = performance.now()
    const line = await call({ id: g + 1, method: 'save', params: { generation: g, population } })
    const elapsed = performance.now() - t
    if (!line.includes('"result"')) throw new Error(`serve save failed: ${line}`)
    if (g >= warmup) serveTimes.push(elapsed)
    population = nextGeneration(r, population)
  }
  child.stdin.end()
  await new Promise((done) => child.on('close', done))
  return { serveMs: median(serveTimes), processMs: median(processTimes), serveRuns: serveTimes.length, processRuns }
}
