import type { ImportProgress } from '../index.js'
import { existsSync, lstatSync, statSync } from 'node:fs'
import { join, parse, resolve } from 'node:path'
import type { Command } from 'commander'
import { NotAStoreError } from '../errors/index.js'
import type { Store } from '../index.js'
import { createProgress, type Progress } from './progress.js'
import { createStyle, shouldColor, type Style } from './format/color.js'

/** A store as the CLI opens it: the schema is only known at run time. */
export type CliStore = Store<unknown, unknown>

/** Everything the CLI touches outside itself, so the entry point is the only place that knows `process`. */
export interface Io {
  argv: string[]
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
}

/** The options every command accepts, before or after its name. */
export interface GlobalOptions {
  dir: string
  schema?: string
  json: boolean
}

/** What a command hands back: one JSON document for `--json`, text for people. */
export interface CommandOutput {
  json: unknown
  text: string
  /** Non-zero when the command ran but found a problem (verify). */
  exitCode?: number
  /** A line for stderr, printed in both modes. */
  notice?: string
  /**
   * `json` holds the user's exact numbers (`bigint`, `LosslessNumber`): print them digit for
   * digit. Off by default because the exact writer is slower on large populations.
   */
  exact?: boolean
}

/** What a command's action receives besides its arguments. */
export interface CommandContext {
  globals: GlobalOptions
  io: Io
  /** Styles for stdout: plain unless stdout is a terminal and NO_COLOR is unset. */
  style: Style
  now: Date
  /**
   * Opens the store at `--dir`. Reading commands refuse a directory that is not a store yet
   * rather than quietly turning it into one (a typo in `--dir` would otherwise create a repository).
   */
  open(options?: { create?: boolean; adopt?: boolean; dir?: string; onAdoptProgress?: (p: ImportProgress) => void }): Promise<CliStore>
  progress(label: string): Progress
}

/** Builds the context of one command invocation from commander's merged options. */
export function commandContext(io: Io, command: Command): CommandContext {
  const merged = command.optsWithGlobals<Partial<GlobalOptions>>()
  const globals: GlobalOptions = {
    dir: resolve(io.cwd, merged.dir ?? io.env.EVOGIT_DIR ?? '.'),
    json: merged.json === true,
    ...(merged.schema === undefined ? {} : { schema: merged.schema }),
  }
  return {
    globals,
    io,
    style: createStyle(shouldColor({ isTTY: io.stdout.isTTY, env: io.env })),
    now: new Date(),
    async open(options = {}) {
      const dir = options.dir === undefined ? globals.dir : resolve(io.cwd, options.dir)
      // A file, a dangling link or `/` get the library's own, more precise refusal below.
      if (!options.create && !options.adopt && !existsSync(join(dir, '.git')) && isPlainDirectoryOrMissing(dir)) {
        throw new NotAStoreError(`${dir} is not an evogit store`, { dir, reason: 'no store' })
      }
      // Only --schema needs the schema loader (and the persona schema with zod behind it).
      const schema = globals.schema === undefined ? undefined : await (await import('./load-schema.js')).loadSchema({ spec: globals.schema, cwd: io.cwd })
      // Loaded on first use: the store pulls in git and zod, which --help and usage errors never need.
      const { openStore } = await import('../store/open-store.js')
      // EVOGIT_AUTO_COMPACT=0 keeps the CLI from compacting in the background (a batch cluster
      // that forbids detached processes); `evogit compact` still compacts on request.
      const autoCompact = /^(0|false|off|no)$/i.test(io.env['EVOGIT_AUTO_COMPACT'] ?? '') ? { autoCompact: false as const } : {}
      return openStore({ dir, ...(schema ? { schema } : {}), ...(options.adopt ? { adopt: true } : {}), ...(options.onAdoptProgress ? { onAdoptProgress: options.onAdoptProgress } : {}), ...autoCompact })
    },
    progress(label) {
      return createProgress({ label, stream: io.stderr, tty: io.stderr.isTTY === true })
    },
  }
}

/** One CLI run: its I/O and the exit code its command chose. */
export interface Cli {
  io: Io
  exitCode: number
}

/**
 * Wraps a command handler as a commander action: builds the context, runs the handler, and
 * prints its result, one JSON document with `--json`, text otherwise. Errors propagate to
 * `run`, which owns their formatting and exit codes.
 */
export function action<A extends unknown[], O>(cli: Cli, handler: (ctx: CommandContext, args: A, options: O) => Promise<CommandOutput>) {
  return async (...raw: unknown[]): Promise<void> => {
    const command = raw[raw.length - 1] as Command
    const options = raw[raw.length - 2] as O
    const args = raw.slice(0, -2) as A
    const ctx = commandContext(cli.io, command)
    const out = await handler(ctx, args, options)
    if (ctx.globals.json) {
      // The exact writer (lossless-json behind it) loads only for output that holds exact numbers.
      const text = out.exact ? (await import('../model/lossless-json.js')).stringifyExact(out.json, 2) : JSON.stringify(out.json, null, 2)
      cli.io.stdout.write(text + '\n')
    } else {
      if (out.text !== '') cli.io.stdout.write(out.text.endsWith('\n') ? out.text : `${out.text}\n`)
      if (out.notice) cli.io.stderr.write(`${out.notice}\n`)
    }
    if (out.exitCode !== undefined) cli.exitCode = out.exitCode
  }
}

/** The "Examples:" block at the end of a command's `--help`. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => (l.startsWith('#') ? `  ${l}` : `  $ ${l}`)).join('\n')}\n`
}

/** The name to show for "the current branch (or ref)": the ref given, else the branch HEAD is on. */
export async function refLabel(store: CliStore, ref: string | undefined): Promise<string> {
  if (ref !== undefined) return ref
  return (await store.currentBranch()) ?? 'HEAD'
}

/** True for a directory (not the file-system root) or a path where nothing, not even a dangling link, exists. */
function isPlainDirectoryOrMissing(dir: string): boolean {
  if (parse(dir).root === dir) return false
  try {
    return statSync(dir).isDirectory()
  } catch {
    try {
      lstatSync(dir)
      return false
    } catch {
      return true
    }
  }
}
