import type { Command } from 'commander'
import { generationSpecArgument } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import { renderDiff } from '../format/diff.js'
import type { GenerationSpec } from '../../index.js'

/** `evogit diff <a> <b>`: who was added, removed or changed between two generations. */
export function registerDiff(program: Command, cli: Cli): void {
  program
    .command('diff')
    .summary('compare two generations, individual by individual')
    .description('Compare two generations: individuals added, removed and changed (with each changed field, old → new), and how the score statistics moved. Each side is N (on the current branch) or ref:N.')
    .argument('<a>', 'the older side: N or ref:N', generationSpecArgument)
    .argument('<b>', 'the newer side: N or ref:N', generationSpecArgument)
    .option('--key <field>', 'match individuals by this field (default: chosen by the library, e.g. name)')
    .addHelpText('after', examples('evogit diff 2 3', 'evogit diff main:4 high-mutation:4 --key name'))
    .action(
      action<[GenerationSpec, GenerationSpec], { key?: string }>(cli, async (ctx, [a, b], flags) => {
        const store = await ctx.open()
        const diff = await store.diff(a, b, flags.key === undefined ? {} : { key: flags.key })
        // Exact: meta changes come from sidecars read exactly, where a 64-bit seed is a bigint.
        return { json: diff, text: renderDiff({ diff, style: ctx.style }), exact: true }
      }),
    )
}
