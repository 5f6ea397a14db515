import type { Command } from 'commander'
import { action, examples, refLabel, type Cli } from '../runtime.js'
import { plural, shortCommit } from '../format/numbers.js'
import { stringifyExact } from '../../model/lossless-json.js'

/** `evogit resume`: where an engine should continue, for engines written in any language. */
export function registerResume(program: Command, cli: Cli): void {
  program
    .command('resume')
    .summary('print the latest generation and its meta, to continue a run')
    .description('Print the latest generation on the current branch (or --ref), the id to save next, its commit and the meta saved with it (settings, RNG state). Meant for scripts driving an engine written in another language: use --json. An empty store resumes at generation 0.')
    .option('--ref <ref>', 'a branch, tag or commit instead of the current branch')
    .option('--population', 'include the population itself in the output')
    .addHelpText('after', examples('evogit resume', 'next=$(evogit resume --json | jq .next)', 'python engine.py --state "$(evogit resume --json | jq -c .meta)"'))
    .action(
      action<[], { ref?: string; population?: boolean }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        // `lossless`: an RNG state's 128-bit integers come out digit for digit.
        const point = await store.resume({ ...(flags.ref === undefined ? {} : { ref: flags.ref }), numbers: 'lossless' })
        if (point === null) {
          const ref = await refLabel(store, flags.ref)
          return {
            json: { ref, generation: null, next: 0, commit: null, populationSize: 0, meta: null, ...(flags.population ? { population: [] } : {}) },
            text: `no generations on ${ref} yet; start at generation 0`,
          }
        }
        const json = {
          ref: point.ref,
          generation: point.generation,
          next: point.generation + 1,
          commit: point.commit,
          populationSize: point.population.length,
          meta: point.meta,
          // What to re-evaluate: per objective, the individuals whose evaluation failed.
          failures: point.sidecar?.failures ?? {},
          ...(flags.population ? { population: point.population } : {}),
        }
        const text =
          `generation ${point.generation} on ${point.ref} (${shortCommit(point.commit)}), ${plural(point.population.length, 'individual')}; continue with generation ${point.generation + 1}\n` +
          `meta: ${stringifyExact(point.meta, 2)}` +
          (flags.population ? `\npopulation: ${JSON.stringify(point.population, null, 2)}` : '')
        return { json, text, exact: true }
      }),
    )
}
