import { basename, resolve } from 'node:path'
import { InvalidArgumentError, InvalidPopulationError } from '../errors/index.js'
import { ioError, isNotFound, type StoreFs } from '../io/fs.js'
import { parseGenerationFileName } from '../model/generation-id.js'
import { serializePopulation } from '../model/population.js'
import type { StoreContext } from './context.js'
import { listGenerations } from './list-generations.js'
import { loadGeneration } from './load-generation.js'
import { saveGeneration } from './save-generation.js'

/** Progress of an import, reported after each generation. */
export interface ImportProgress {
  done: number
  total: number
  generation: number
}

/** What an import did. */
export interface ImportResult {
  /** Generations committed, in order, with their commits. */
  imported: { generation: number; commit: string }[]
  /** Generations the branch already had with the same content (nothing to do). */
  unchanged: number[]
  /** Files the original reader would have listed but whose names are not strictly `gen_<n>.json`. */
  skipped: string[]
}

/** The arguments of {@link importGenerations}. */
export interface ImportGenerationsOptions<T> {
  ctx: StoreContext<T>
  /** A directory of `gen_*.json` files written by the original Python PersonaStore. */
  from: string
  /** Replace generations the branch already has with different content. */
  overwrite?: boolean
  /** Called after each generation is committed. */
  onProgress?: (progress: ImportProgress) => void
  fs: StoreFs
  /** Internal: the source directory is the store itself (adoption in place). */
  inPlace?: boolean
}

/**
 * Brings a directory written by the original Python `PersonaStore` into the store: one commit
 * per generation, in ascending order, each validated by the schema. A generation the branch
 * already has with identical content is skipped (also with `overwrite`), so an interrupted
 * import can simply be re-run.
 *
 * @example
 * ```ts
 * const result = await store.importGenerations({ from: 'old_persona_data', onProgress: console.log })
 * ```
 */
export async function importGenerations<T>(options: ImportGenerationsOptions<T>): Promise<ImportResult> {
  const { ctx, fs } = options
  if (typeof options.from !== 'string' || options.from.length === 0) {
    throw new InvalidArgumentError('`from` must be a directory path', { parameter: 'from', expected: 'a directory path', received: typeof options.from })
  }
  const from = resolve(options.from)
  let names: string[]
  try {
    names = await fs.readdir(from)
  } catch (err) {
    if (isNotFound(err)) throw new InvalidArgumentError(`\`from\` directory ${from} does not exist`, { parameter: 'from', expected: 'an existing directory', received: from })
    throw ioError(err, from, 'list')
  }
  // The original reader's rule: starts with gen_ and ends with .json. We import only strict names.
  const legacy = names.filter((n) => n.startsWith('gen_') && n.endsWith('.json'))
  const strict = legacy.flatMap((name) => {
    const id = parseGenerationFileName(name)
    return id === null ? [] : [{ name, id }]
  })
  const skipped = legacy.filter((n) => parseGenerationFileName(n) === null)
  strict.sort((a, b) => a.id - b.id)
  const result: ImportResult = { imported: [], unchanged: [], skipped }
  let done = 0
  for (const { name, id } of strict) {
    const path = `${from}/${name}`
    let population: unknown
    try {
      population = JSON.parse(await fs.readFile(path, 'utf8')) as unknown
    } catch (err) {
      if (err instanceof SyntaxError) {
        throw new InvalidArgumentError(`${path} is not valid JSON: ${err.message}`, { parameter: 'from', expected: 'gen_<n>.json files holding JSON arrays', received: basename(path) })
      }
      throw ioError(err, path, 'read')
    }
    if (options.inPlace) assertLossless(ctx, name, population)
    // Identical content is skipped even with overwrite, so re-running an import adds no commits.
    if ((await ctx.repo.refs.head()).oid !== null && (await listGenerations({ ctx })).includes(id) && (await sameContent(ctx, id, population))) {
      result.unchanged.push(id)
    } else {
      const saved = await saveGeneration({
        ctx,
        generation: id,
        population: population as unknown[],
        // The file name only: an absolute path would publish the importer's directory layout with every push.
        meta: { importedFrom: name },
        overwrite: options.overwrite ?? false,
        adoptWorkingFile: options.inPlace ?? false,
      })
      result.imported.push({ generation: id, commit: saved.commit })
    }
    done++
    options.onProgress?.({ done, total: strict.length, generation: id })
  }
  return result
}

/**
 * Adopting in place rewrites `gen_<n>.json` with what the schema returns. When the schema strips,
 * defaults or transforms fields, that would change the user's only copy, so it is refused; a
 * plain import from another directory leaves the originals where they are.
 */
function assertLossless<T>(ctx: StoreContext<T>, name: string, population: unknown): void {
  const validated = ctx.populationSchema.safeParse(population)
  if (!validated.success || !Array.isArray(population)) return // saveGeneration reports the schema failure itself
  let before: string
  try {
    before = serializePopulation(population as unknown[], ctx.keyOrder)
  } catch {
    return
  }
  if (before !== serializePopulation(validated.data, ctx.keyOrder)) {
    throw new InvalidPopulationError(
      `adopting ${name} in place would change its data (the schema drops, defaults or rewrites fields); import the directory into a new store with \`evogit import\` instead, which leaves the originals untouched`,
      { issues: [{ index: -1, path: [], message: `${name} does not round-trip through the schema` }] },
    )
  }
}

async function sameContent<T>(ctx: StoreContext<T>, generation: number, population: unknown): Promise<boolean> {
  const stored = await loadGeneration({ ctx, generation })
  const incoming = ctx.populationSchema.safeParse(population)
  return incoming.success && serializePopulation(stored, ctx.keyOrder) === serializePopulation(incoming.data, ctx.keyOrder)
}
