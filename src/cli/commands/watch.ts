import type { Command } from 'commander'
import { describeIds } from '../../model/id-ranges.js'
import { positiveIntegerArgument } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import { plural, shortCommit } from '../format/numbers.js'

interface WatchFlags {
  interval?: number
  settle?: number
  scoreField?: string
}

/** `evogit watch`: commit each generation an unchanged engine writes, as it appears. */
export function registerWatch(program: Command, cli: Cli): void {
  program
    .command('watch')
    .summary('commit each gen_<n>.json another program writes, as it appears')
    .description(
      'Run beside an unchanged engine (the original Python PersonaStore) and commit each gen_<n>.json it writes into the store directory, with its companion files, byte for byte, one commit per generation. A file is committed only once it is complete: its gen_<n>.json.lock released, its content valid JSON that passes the schema, and unchanged for --settle ms. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM, after the commit under way.',
    )
    .option('--interval <ms>', 'how often to look at the directory', positiveIntegerArgument, 250)
    .option('--settle <ms>', 'how long a file must stay unchanged before it is committed', positiveIntegerArgument, 500)
    .option('--score-field <name>', 'take each individual\'s score from this numeric field')
    .addHelpText('after', examples('python3 my_engine.py & evogit watch --dir persona_data --schema persona', 'evogit watch --score-field fitness --settle 1000'))
    .action(
      action<[], WatchFlags>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const stop = new AbortController()
        const onSignal = () => stop.abort()
        process.once('SIGINT', onSignal)
        process.once('SIGTERM', onSignal)
        const log = (line: string) => {
          // With --json stdout carries one document at the end; progress goes to stderr.
          ;(ctx.globals.json ? ctx.io.stderr : ctx.io.stdout).write(`${line}\n`)
        }
        log(`watching ${store.dir} (Ctrl-C stops)`)
        let committed: number[]
        try {
          committed = await store.watch({
            signal: stop.signal,
            intervalMs: flags.interval ?? 250,
            settleMs: flags.settle ?? 500,
            ...(flags.scoreField === undefined ? {} : { score: flags.scoreField }),
            onCommit: (c) => log(`committed generation ${c.generation} (${shortCommit(c.commit)}, ${plural(c.populationSize, 'individual')}${c.companions.length ? `, with ${c.companions.join(', ')}` : ''})`),
            onNotice: (message) => ctx.io.stderr.write(`evogit: ${message}\n`),
          })
        } finally {
          process.removeListener('SIGINT', onSignal)
          process.removeListener('SIGTERM', onSignal)
        }
        return { json: { dir: store.dir, committed }, text: `stopped: ${plural(committed.length, 'generation')} committed${committed.length ? ` (${describeIds(committed)})` : ''}` }
      }),
    )
}
