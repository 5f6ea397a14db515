import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { registerArchive } from './commands/archive.js'
import { registerBranch } from './commands/branch.js'
import { registerCheckout } from './commands/checkout.js'
import { registerCompact } from './commands/compact.js'
import { registerCompare } from './commands/compare.js'
import { registerExport } from './commands/export.js'
import { registerDiff } from './commands/diff.js'
import { registerImport } from './commands/import.js'
import { registerInit } from './commands/init.js'
import { registerList } from './commands/list.js'
import { registerLineage } from './commands/lineage.js'
import { registerLog } from './commands/log.js'
import { registerMeta } from './commands/meta.js'
import { registerRemote } from './commands/remote.js'
import { registerReport } from './commands/report.js'
import { registerResume } from './commands/resume.js'
import { registerRollback } from './commands/rollback.js'
import { registerSave } from './commands/save.js'
import { registerShow } from './commands/show.js'
import { registerTag } from './commands/tag.js'
import { registerVerify } from './commands/verify.js'
import { registerObjectives } from './commands/objectives.js'
import { registerPareto } from './commands/pareto.js'
import { registerStatus } from './commands/status.js'
import { registerAdd } from './commands/add.js'
import { registerServe } from './commands/serve.js'
import { registerWatch } from './commands/watch.js'
import { EXIT_CODES, exitCodeFor } from './exit-codes.js'
import { createStyle, shouldColor } from './format/color.js'
import { describeError } from './format/errors.js'
import { examples, type Cli, type Io } from './runtime.js'

/**
 * The whole command tree. Global options live on the root; commander recognises them before or
 * after the command name as long as positional options stay off (its default), so
 * `evogit --json log` and `evogit log --json` are the same.
 */
export function buildProgram(cli: Cli): Command {
  const program = new Command('evogit')
  program
    .description('Keep every generation of an evolutionary run in a git repository.')
    .version(packageVersion(), '-V, --version', 'print the evogit version')
    .addOption(new Option('--dir <path>', 'the store directory (default: $EVOGIT_DIR, else the current directory)'))
    .addOption(new Option('--schema <persona|path>', 'validate individuals with the built-in persona schema (persona-strict adds its domain checks), or a module exporting a zod schema (default export or `schema`)'))
    .addOption(new Option('--json', 'print one JSON document on stdout (errors go to stderr as JSON)'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.io.stdout.write(text),
      writeErr: (text) => cli.io.stderr.write(text),
      // run() prints usage errors itself, in the same shape (and JSON) as every other error.
      outputError: () => {},
    })
    .addHelpText(
      'after',
      examples('evogit init runs/exp1', 'evogit --dir runs/exp1 save 0 gen0.json --scores scores0.json', 'evogit log --dir runs/exp1', 'evogit diff 3 high-mutation:3 --json') +
        `\nExit codes: ${Object.entries(EXIT_CODES).map(([k, v]) => `${v} ${k}`).join(', ')}.\n`,
    )
  for (const register of [registerInit, registerSave, registerList, registerShow, registerMeta, registerLog, registerDiff, registerBranch, registerCheckout, registerRollback, registerArchive, registerTag, registerResume, registerImport, registerVerify, registerCompact, registerRemote, registerReport, registerObjectives, registerPareto, registerStatus, registerAdd, registerServe, registerWatch, registerLineage, registerCompare, registerExport]) {
    register(program, cli)
  }
  return program
}

/**
 * Runs one command line and returns its exit code. Nothing here exits the process, so output
 * piped to another program is flushed before node ends.
 *
 * @example
 * ```ts
 * process.exitCode = await run({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd(), stdin, stdout, stderr })
 * ```
 */
export async function run(io: Io): Promise<number> {
  const cli: Cli = { io, exitCode: EXIT_CODES.ok }
  const program = buildProgram(cli)
  try {
    await program.parseAsync(io.argv, { from: 'user' })
    return cli.exitCode
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT_CODES.ok
      // `evogit` with no command: commander has already printed the help to stderr.
      if (err.code === 'commander.help') return exitCodeFor('usage')
    }
    const described = describeError(err)
    const json = io.argv.includes('--json')
    if (json) {
      const { message, hint, code, category, exitCode, data } = described
      io.stderr.write(JSON.stringify({ error: { code, category, exitCode, message, ...(hint ? { hint } : {}), ...(data === undefined ? {} : { data }) } }) + '\n')
    } else {
      const style = createStyle(shouldColor({ isTTY: io.stderr.isTTY, env: io.env }))
      io.stderr.write(`${style.red('evogit: error:')} ${described.message}\n`)
      if (described.hint) io.stderr.write(`${style.dim('next:')} ${described.hint}\n`)
    }
    if (io.env.EVOGIT_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`)
    return described.exitCode
  }
}

/** The version in package.json (`evogit --version`, serve's `hello`). */
export function packageVersion(): string {
  // Walk up from this file: it runs from dist/src/cli in the package and from src/cli in tests.
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'evogit' && pkg.version) return pkg.version
    } catch {
      // not here; keep walking up
    }
    dir = dirname(dir)
  }
  return 'unknown'
}
