import type { Command } from 'commander'
import { InvalidArgumentError } from '../../errors/index.js'
import { action, examples, type Cli } from '../runtime.js'

function positiveInt(name: string) {
  return (text: string): number => {
    if (!/^[1-9][0-9]*$/.test(text)) throw new InvalidArgumentError(`--${name} must be a positive integer, received ${JSON.stringify(text)}`, { parameter: name, expected: 'a positive integer', received: text })
    return Number(text)
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/** `evogit compact`: pack the history with native git's delta search, outside the save path. */
export function registerCompact(program: Command, cli: Cli): void {
  program
    .command('compact')
    .summary('shrink the history with native git (repack with delta search)')
    .description(
      'Pack every object with native git (git pack-objects in history order, then git repack -a -d) so that generations are stored as deltas of each other. ' +
        'Runs under the write lock, never during a save; without native git nothing changes and it says so.',
    )
    .option('--window <n>', 'objects compared in the delta search (default 250)', positiveInt('window'))
    .option('--depth <n>', 'longest delta chain (default 50)', positiveInt('depth'))
    .addHelpText('after', examples('evogit compact', 'evogit compact --window 500 --json'))
    .action(
      action<[], { window?: number; depth?: number }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const result = await store.compact({ ...(flags.window === undefined ? {} : { window: flags.window }), ...(flags.depth === undefined ? {} : { depth: flags.depth }) })
        const text = result.compacted
          ? `Compacted ${mib(result.before.bytes)} → ${mib(result.after.bytes)} in ${result.seconds.toFixed(1)} s (${result.gitVersion ?? 'git'})\n`
          : `${result.message}\n`
        return { json: result, text }
      }),
    )
}
