/**
 * CLI start-up (8a–8e): wall time of the built `evogit` binary on a small store, each command run
 * in turn with bare `node -e 0`, so that load weighs on command and baseline alike.
 */
import { writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openStore, personaSchema } from '../../src/index.js'
import type { BenchContext, BenchTarget } from '../context.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from '../data.js'
import { execFile, median, time } from '../measure.js'
import { target } from '../report.js'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js')

export const cliTarget: BenchTarget = {
  name: 'cli',
  async run(ctx: BenchContext) {
    const { config } = ctx
    ctx.log(`cli start-up: ${config.cliRuns} runs of each command`)
    const dir = await ctx.dir('cli-store')
    const store = await openStore({ dir, schema: personaSchema })
    const r = rng(config.seed + 3)
    let pop = initialPopulation(r, 10)
    for (let g = 0; g < 10; g++) {
      await store.saveGeneration(g, pop, { scores: scoresOf(pop), meta: { seed: g } })
      pop = nextGeneration(r, pop)
    }
    const input = join(await ctx.dir('cli-input'), 'population.json')
    const scoresFile = `${input}.scores.json`
    const hundred = initialPopulation(r, 100)
    await writeFile(input, JSON.stringify(hundred))
    await writeFile(scoresFile, JSON.stringify(scoresOf(hundred)))
    const env = { ...ctx.env, NO_COLOR: '1' }
    const cli = (args: string[]) => () => execFile(process.execPath, [BIN, '--dir', dir, ...args], { env, cwd: dir })
    let next = 10
    const commands: Array<[id: string, title: string, limit: number, run: () => Promise<unknown>]> = [
      ['8a', 'evogit list', 2.5, cli(['list'])],
      ['8b', 'evogit log -n 10', 2.5, cli(['log', '-n', '10'])],
      ['8c', 'evogit resume --json', 2.5, cli(['resume', '--json'])],
      ['8d', 'evogit --help', 2, () => execFile(process.execPath, [BIN, '--help'], { env })],
      ['8e', 'evogit save (100 personas)', 3, () => cli(['save', String(next++), input, '--scores', scoresFile])()],
    ]
    const bare: number[] = []
    const times = commands.map(() => [] as number[])
    // One warm-up round (the page cache, the disk), then interleaved timed rounds.
    for (let round = -1; round < config.cliRuns; round++) {
      for (const [i, [, , , run]] of commands.entries()) {
        const b = await time(() => execFile(process.execPath, ['-e', '0'], { env }))
        const t = await time(run)
        if (round >= 0) {
          bare.push(b)
          times[i]!.push(t)
        }
      }
    }
    const node = median(bare)
    ctx.add(...commands.map(([id, title, limit], i) => target(id, title, median(times[i]!), node, 'ms', limit, `median wall time of the built binary on a 10-generation store vs bare \`node -e 0\`, interleaved (${config.cliRuns} runs each)`)))
  },
}
