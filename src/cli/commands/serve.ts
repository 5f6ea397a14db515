import type { Command } from 'commander'
import { InvalidArgumentError } from '../../errors/index.js'
import { commandContext, examples, type Cli } from '../runtime.js'

/** `evogit serve --stdio`: one long-lived process speaking JSON lines, for engines in any language. */
export function registerServe(program: Command, cli: Cli): void {
  program
    .command('serve')
    .summary('serve every store operation as JSON lines on stdin/stdout (for Python engines)')
    .description(
      'Run one long-lived process that reads one JSON request per line on stdin ({"id": 1, "method": "save", "params": {…}}) and writes one JSON response per line on stdout ({"id": 1, "result": …} or {"id": 1, "error": {"code", "category", "message", "data"}}), in order. It exits when stdin closes and never writes anything else to stdout. The store is --dir (or the one named by an "open" request); see the README for the methods and the protocol version.',
    )
    .option('--stdio', 'speak the protocol on stdin and stdout (the only transport)')
    .addHelpText('after', examples('evogit serve --stdio --dir persona_data --schema persona', `echo '{"id":1,"method":"list"}' | evogit serve --stdio --dir persona_data`))
    .action(async (flags: { stdio?: boolean }, command: Command) => {
      if (flags.stdio !== true) {
        throw new InvalidArgumentError('evogit serve needs --stdio (JSON lines on stdin and stdout, the only transport)', { parameter: '--stdio', expected: '--stdio', received: 'nothing' })
      }
      const ctx = commandContext(cli.io, command)
      const [{ serveStdio }, { packageVersion }] = await Promise.all([import('../serve.js'), import('../program.js')])
      await serveStdio({ input: cli.io.stdin, output: cli.io.stdout, dir: ctx.globals.dir, ...(ctx.globals.schema === undefined ? {} : { schema: ctx.globals.schema }), cwd: cli.io.cwd, version: packageVersion() })
    })
}
