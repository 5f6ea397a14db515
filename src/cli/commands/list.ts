import type { Command } from 'commander'
import { action, examples, refLabel, type Cli } from '../runtime.js'

/** `evogit list`: generation ids on the current branch (or `--ref`). */
export function registerList(program: Command, cli: Cli): void {
  program
    .command('list')
    .summary('list the generation ids on a branch')
    .description('Print the generation ids on the current branch (or --ref), one per line, in ascending order.')
    .option('--ref <ref>', 'a branch, tag or commit instead of the current branch')
    .addHelpText('after', examples('evogit list', 'evogit list --ref high-mutation --json'))
    .action(
      action<[], { ref?: string }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const ref = await refLabel(store, flags.ref)
        const generations = await store.listGenerations(flags.ref === undefined ? {} : { ref: flags.ref })
        return {
          json: { ref, generations },
          text: generations.join('\n'),
          ...(generations.length === 0 ? { notice: `no generations on ${ref} yet; evogit save 0 <file> adds the first` } : {}),
        }
      }),
    )
}
