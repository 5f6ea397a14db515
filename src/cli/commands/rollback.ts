import type { Command } from 'commander'
import { generationArgument } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import { shortCommit } from '../format/numbers.js'

/** `evogit rollback <n>`: move the current branch back to a generation, archiving the old tip. */
export function registerRollback(program: Command, cli: Cli): void {
  program
    .command('rollback')
    .summary('move the current branch back to a generation')
    .description('Move the current branch back to the commit that saved generation n. The generations after it are not lost: the old tip is archived (evogit archive lists and restores it).')
    .argument('<n>', 'the generation to go back to', generationArgument)
    .option('-f, --force', 'overwrite uncommitted edits in the store directory')
    .addHelpText('after', examples('evogit rollback 3', 'evogit archive   # the tip that rollback set aside'))
    .action(
      action<[number], { force?: boolean }>(cli, async (ctx, [generation], flags) => {
        const store = await ctx.open()
        const result = await store.rollback(generation, { force: flags.force === true })
        let text = `Rolled ${result.branch} back to generation ${result.generation} (${shortCommit(result.commit)}).`
        if (result.archived) {
          const latest = result.archived.latestGeneration === null ? '' : `generation ${result.archived.latestGeneration}, `
          text += `\nThe previous tip (${latest}${shortCommit(result.archived.commit)}) is archived as ${result.archived.id}; restore it with: evogit archive restore ${result.archived.id}`
        }
        if (result.discarded.length > 0) text += `\nOverwrote uncommitted edits in ${result.discarded.join(', ')}`
        return { json: result, text }
      }),
    )
}
