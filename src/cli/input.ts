import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { InvalidArgumentError as CommanderArgumentError } from 'commander'
import { InvalidArgumentError, InvalidJsonError } from '../errors/index.js'
import { parseGenerationId } from '../model/generation-id.js'
import type { GenerationSpec } from '../index.js'
import type { Io } from './runtime.js'

/**
 * Reads and parses a JSON input: a file, or stdin for `-`. `what` names the input in messages
 * ("population file pop.json is not valid JSON: …").
 */
export async function readJsonInput(options: { io: Io; path: string; what: string }): Promise<unknown> {
  const { io, path, what } = options
  let text: string
  if (path === '-') {
    if (io.stdin.isTTY) {
      throw new InvalidArgumentError(`no ${what} given: pass a file, or pipe JSON into stdin`, { parameter: what, expected: 'a file or piped JSON', received: 'a terminal' })
    }
    text = await readAll(io.stdin)
  } else {
    try {
      text = await readFile(resolve(io.cwd, path), 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`
      throw new InvalidArgumentError(`${what} ${path} ${reason}`, { parameter: what, expected: 'a readable JSON file', received: path }, { cause: err })
    }
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    const source = path === '-' ? 'stdin' : path
    throw new InvalidJsonError(`${what} ${source} is not valid JSON: ${(err as Error).message}`, { what, path: [], reason: (err as Error).message }, { cause: err })
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}

/** Commander argument parser for a generation id: digits only, as a usage error otherwise. */
export function generationArgument(text: string): number {
  try {
    return parseGenerationId(text)
  } catch {
    throw new CommanderArgumentError(`expected a generation id (a whole number from 0 up), received ${JSON.stringify(text)}`)
  }
}

/**
 * `N` (generation N on the current branch) or `ref:N` (on a branch, tag or commit). Git ref
 * names cannot contain `:`, so the last colon always separates the two.
 */
export function generationSpecArgument(text: string): GenerationSpec {
  const colon = text.lastIndexOf(':')
  if (colon === -1) return generationArgument(text)
  const ref = text.slice(0, colon)
  if (ref.length === 0) throw new CommanderArgumentError(`expected N or ref:N, received ${JSON.stringify(text)}`)
  return { ref, generation: generationArgument(text.slice(colon + 1)) }
}

/** `--from`: `N`, `ref:N`, or a branch, tag or commit. */
export function fromArgument(text: string): number | { ref: string; generation: number } | string {
  if (/^(0|[1-9][0-9]*)$/.test(text)) return generationArgument(text)
  if (/:(0|[1-9][0-9]*)$/.test(text)) return generationSpecArgument(text)
  return text
}

/** `--limit`: a positive whole number. */
export function positiveIntegerArgument(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new CommanderArgumentError(`expected a positive whole number, received ${JSON.stringify(text)}`)
  return Number(text)
}
