import { Option, type Command } from 'commander'
import { startBackgroundCompaction } from '../background-compaction.js'
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
      'Pack the history with native git so that generations are stored as deltas of each other. ' +
        'Incremental by default: only what was saved since the last compaction is packed, and small packs are merged, while saves go on ' +
        '(the write lock is held only to delete what became redundant). --full repacks everything under the write lock. ' +
        '--auto starts an incremental compaction in a background process and returns at once, for engines that call evogit after each save. ' +
        'Without native git nothing changes and it says so.',
    )
    .option('--full', 'repack the whole history (saves wait), dropping unreachable objects')
    .option('--auto', 'compact in a background process and return at once')
    .option('--window <n>', 'objects compared in the delta search (default 10 with --full, 3 when packing what is new)', positiveInt('window'))
    .option('--depth <n>', 'longest delta chain (default 50)', positiveInt('depth'))
    // What `--auto` (and `evogit save`, when a compaction is due) runs in the detached process.
    .addOption(new Option('--in-background', 'run as a background compaction: lowest priority, one per store at a time').hideHelp())
    .addHelpText('after', examples('evogit compact', 'evogit compact --auto', 'evogit compact --full --window 500 --json'))
    .action(
      action<[], { window?: number; depth?: number; full?: boolean; auto?: boolean; inBackground?: boolean }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const tuning = [...(flags.window === undefined ? [] : ['--window', String(flags.window)]), ...(flags.depth === undefined ? [] : ['--depth', String(flags.depth)])]
        if (flags.auto) {
          if (flags.full) throw new InvalidArgumentError('--auto compacts incrementally; it cannot be combined with --full', { parameter: 'auto', expected: '--auto or --full', received: '--auto --full' })
          const pid = startBackgroundCompaction(ctx, tuning)
          return { json: { started: true, pid }, text: `Compacting in the background (pid ${pid ?? '?'})\n` }
        }
        const result = await store.compact({
          ...(flags.window === undefined ? {} : { window: flags.window }),
          ...(flags.depth === undefined ? {} : { depth: flags.depth }),
          ...(flags.full ? { full: true } : {}),
          ...(flags.inBackground ? { background: true } : {}),
        })
        const text = result.compacted
          ? `Compacted ${mib(result.before.bytes)} → ${mib(result.after.bytes)} in ${result.seconds.toFixed(1)} s (${result.gitVersion ?? 'git'})\n`
          : `${result.message}\n`
        return { json: result, text }
      }),
    )
}
