import type { Command } from 'commander'
import { generationArgument } from '../input.js'
import { action, examples, refLabel, type Cli } from '../runtime.js'
import { requireGeneration } from './shared.js'
import { stringifyExact } from '../../model/lossless-json.js'

/** `evogit meta <n>`: the meta saved with a generation. */
export function registerMeta(program: Command, cli: Cli): void {
  program
    .command('meta')
    .summary('print the meta saved with a generation')
    .description('Print the meta JSON saved with generation n (settings, RNG state…), or with --sidecar the whole metadata sidecar: timestamp, statistics, raw scores, parent.')
    .argument('<n>', 'the generation id', generationArgument)
    .option('--ref <ref>', 'a branch, tag or commit instead of the current branch')
    .option('--sidecar', 'print the whole sidecar, not just meta')
    .addHelpText('after', examples('evogit meta 3', 'evogit meta 3 --sidecar --ref v1'))
    .action(
      action<[number], { ref?: string; sidecar?: boolean }>(cli, async (ctx, [generation], flags) => {
        const store = await ctx.open()
        const ref = await refLabel(store, flags.ref)
        await requireGeneration(store, generation, flags.ref, ref)
        // `lossless`: digits exactly as saved, `1.0` included, for an engine in any language to restore.
        const sidecar = await store.loadMetadata(generation, { ...(flags.ref === undefined ? {} : { ref: flags.ref }), numbers: 'lossless' })
        // A generation committed by hand (plain git) has no sidecar: that is null meta, not an error.
        const value = flags.sidecar ? sidecar : (sidecar?.meta ?? null)
        return { json: value, text: stringifyExact(value, 2), exact: true }
      }),
    )
}
