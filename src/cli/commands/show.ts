import type { Command } from 'commander'
import type { Sidecar } from '../../model/sidecar.js'
import { generationArgument } from '../input.js'
import { action, examples, refLabel, type Cli } from '../runtime.js'
import { renderSummary } from '../format/summary.js'
import { requireGeneration } from './shared.js'

/** `evogit show <n>`: a generation's population, or a summary of it. */
export function registerShow(program: Command, cli: Cli): void {
  program
    .command('show')
    .summary('print a generation\'s population, or a summary')
    .description('Print the population of generation n (as JSON, validated by the schema), or with --summary its size, score statistics, parent and meta.')
    .argument('<n>', 'the generation id', generationArgument)
    .option('--ref <ref>', 'a branch, tag or commit instead of the current branch')
    .option('--summary', 'print a summary instead of the population')
    .addHelpText('after', examples('evogit show 3', 'evogit show 3 --ref high-mutation --summary', 'evogit show 3 --json | jq \'.[0].name\''))
    .action(
      action<[number], { ref?: string; summary?: boolean }>(cli, async (ctx, [generation], flags) => {
        const store = await ctx.open()
        const ref = await refLabel(store, flags.ref)
        const read = flags.ref === undefined ? {} : { ref: flags.ref }
        await requireGeneration(store, generation, flags.ref, ref)
        const population = await store.loadGeneration(generation, read)
        if (!flags.summary) return { json: population, text: JSON.stringify(population, null, 2) }
        const sidecar: Sidecar | null = await store.loadMetadata(generation, { ...read, numbers: 'lossless' })
        const summary = {
          generation,
          ref,
          populationSize: population.length,
          savedAt: sidecar?.savedAt ?? null,
          primary: sidecar?.primary ?? null,
          stats: sidecar?.stats ?? {},
          failures: sidecar?.failures ?? {},
          pareto: sidecar?.pareto ? { front: sidecar.pareto.front, hypervolume: sidecar.pareto.hypervolume, reference: sidecar.pareto.reference } : null,
          parent: sidecar?.parent ?? null,
          meta: sidecar?.meta ?? null,
        }
        return { json: summary, text: renderSummary({ summary, style: ctx.style, now: ctx.now }), exact: true }
      }),
    )
}
