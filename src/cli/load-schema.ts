import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type * as z from 'zod'
import { InvalidArgumentError } from '../errors/index.js'
import { personaSchema, strictPersonaSchema } from '../model/persona.js'

/**
 * The schema named by `--schema`: `persona` for the built-in persona genotype (`persona-strict` for its domain checks), or the path of
 * a JavaScript module exporting a zod 4 schema for one individual (as its default export or as
 * `schema`). Without `--schema`, any JSON objects are accepted.
 *
 * @example
 * ```ts
 * const schema = await loadSchema({ spec: './my-schema.mjs', cwd: process.cwd() })
 * ```
 */
export async function loadSchema(options: { spec: string | undefined; cwd: string }): Promise<z.ZodType | undefined> {
  const { spec } = options
  if (spec === undefined || spec === '') return undefined
  if (spec === 'persona') return personaSchema
  if (spec === 'persona-strict') return strictPersonaSchema
  const path = resolve(options.cwd, spec)
  let module: Record<string, unknown>
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
    throw new InvalidArgumentError(`cannot load --schema ${spec}: ${reason}`, { parameter: '--schema', expected: '"persona" or the path of a module that exports a zod schema', received: spec }, { cause: err })
  }
  const candidate = module.default ?? module.schema
  if (!isZodLike(candidate)) {
    throw new InvalidArgumentError(`--schema ${spec} exports no zod schema (expected a default export or an export named \`schema\`)`, {
      parameter: '--schema',
      expected: 'a module that exports a zod schema',
      received: Object.keys(module).join(', ') || 'no exports',
    })
  }
  return candidate
}

function isZodLike(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function'
}
