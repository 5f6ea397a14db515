import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { EXIT_CODES, exitCodeFor } from './exit-codes.js'
import { createStyle, shouldColor } from './format/color.js'
import { describeError } from './format/errors.js'
import { stringifyExact } from '../model/lossless-json.js'
import { examples, type Cli, type Io } from './runtime.js'
import { registerInit } from './commands/init.js'
import { registerSave } from './commands/save.js'
import { registerList } from './commands/list.js'
import { registerShow } from './commands/show.js'
import { registerMeta } from './commands/meta.js'
import { registerLog } from './commands/log.js'
import { registerDiff } from './commands/diff.js'
import { registerBranch } from './commands/branch.js'
import { registerCheckout } from './commands/checkout.js'
import { registerRollback } from './commands/rollback.js'
import { registerArchive } from './commands/archive.js'
import { registerTag } from './commands/tag.js'
import { registerResume } from './commands/resume.js'
import { registerImport } from './commands/import.js'
import { registerVerify } from './commands/verify.js'
import { registerCompact } from './commands/compact.js'
import { registerRemote } from './commands/remote.js'
import { registerReport } from './commands/report.js'
import { registerObjectives } from './commands/objectives.js'
import { registerPareto } from './commands/pareto.js'
import { registerStatus } from './commands/status.js'
import { registerAdd } from './commands/add.js'
import { registerServe } from './commands/serve.js'
import { registerWatch } from './commands/watch.js'
import { registerLineage } from './commands/lineage.js'
import { registerCompare } from './commands/compare.js'
import { registerExport } from './commands/export.js'

/** What a command module exports: a function that adds the command to the program. */
type Register = (program: Command, cli: Cli) => void

/**
 * Every command, in the order `--help` lists them, and the function that adds it to the program.
 * To add a command, add one line here.
 *
 * The command modules are imported statically: they hold only options, help text and formatting
 * (the store behind them loads on first `open()`, see runtime.ts), and in the bundled executable
 * (scripts/bundle-cli.mjs) one chunk holding them all loads faster than one file per command,
 * because module resolution and linking, not their code, was most of `--help`'s start-up.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, register: Register]> = [
  ['init', registerInit],
  ['save', registerSave],
  ['list', registerList],
  ['show', registerShow],
  ['meta', registerMeta],
  ['log', registerLog],
  ['diff', registerDiff],
  ['branch', registerBranch],
  ['checkout', registerCheckout],
  ['rollback', registerRollback],
  ['archive', registerArchive],
  ['tag', registerTag],
  ['resume', registerResume],
  ['import', registerImport],
  ['verify', registerVerify],
  ['compact', registerCompact],
  ['remote', registerRemote],
  ['report', registerReport],
  ['objectives', registerObjectives],
  ['pareto', registerPareto],
  ['status', registerStatus],
  ['add', registerAdd],
  ['serve', registerServe],
  ['watch', registerWatch],
  ['lineage', registerLineage],
  ['compare', registerCompare],
  ['export', registerExport],
]

/** Global options that take a value: the word after them is not the command's name. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--dir', '--schema'])

/** The command an argument list runs, if it names one of {@link COMMANDS}; else (help, typos, nothing) `undefined`. */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') return undefined
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++
    else if (!arg.startsWith('-')) return COMMANDS.some(([name]) => name === arg) ? arg : undefined
  }
  return undefined
}

/**
 * The whole command tree. Global options live on the root; commander recognises them before or
 * after the command name as long as positional options stay off (its default), so
 * `evogit --json log` and `evogit log --json` are the same.
 *
 * With `argv`, only the command it names is registered (all of them when it names
 * none: the root help lists every command, and commander suggests the nearest for a typo).
 */
export async function buildProgram(cli: Cli, argv?: readonly string[]): Promise<Command> {
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
  const name = argv === undefined ? undefined : commandNameOf(argv)
  const wanted = name === undefined ? COMMANDS : COMMANDS.filter(([n]) => n === name)
  for (const [, register] of wanted) register(program, cli)
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
  try {
    const program = await buildProgram(cli, io.argv)
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
      // Exact: an error's data may carry a saved 64-bit seed (a bigint), which JSON.stringify refuses.
      io.stderr.write(stringifyExact({ error: { code, category, exitCode, message, ...(hint ? { hint } : {}), ...(data === undefined ? {} : { data }) } }) + '\n')
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
