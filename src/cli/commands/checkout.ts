import type { Command } from 'commander'
import { action, examples, type Cli } from '../runtime.js'
import { plural, shortCommit } from '../format/numbers.js'

/** `evogit checkout <branch>`: switch branches. */
export function registerCheckout(program: Command, cli: Cli): void {
  program
    .command('checkout')
    .summary('switch to another branch')
    .description('Switch the store to another branch: its gen_*.json files and sidecars replace the working tree\'s, and later saves go to it. Refuses when files have uncommitted edits, unless --force.')
    .argument('<branch>', 'the branch to switch to')
    .option('-f, --force', 'overwrite uncommitted edits in the store directory')
    .addHelpText('after', examples('evogit checkout high-mutation', 'evogit checkout main --force'))
    .action(
      action<[string], { force?: boolean }>(cli, async (ctx, [name], flags) => {
        const store = await ctx.open()
        const result = await store.checkout(name, { force: flags.force === true })
        const text = `Switched to branch ${result.branch} (${shortCommit(result.commit)}): ${plural(result.written.length, 'file')} written, ${result.removed.length} removed` +
          (result.discarded.length > 0 ? `\nOverwrote uncommitted edits in ${result.discarded.join(', ')}` : '') +
          (result.resolvedPending ? `\nAn interrupted switch was ${result.resolvedPending.replace('-', ' ')} first` : '')
        return { json: result, text }
      }),
    )
}
