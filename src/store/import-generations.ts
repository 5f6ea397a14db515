import { resolve } from 'node:path'
import { InvalidArgumentError } from '../errors/index.js'
import { ioError, isNotFound, type StoreFs } from '../io/fs.js'
import { generationFileName, parseGenerationFileName } from '../model/generation-id.js'
import { serializePopulation } from '../model/population.js'
import type { StoreContext } from './context.js'
import { loadGeneration } from './load-generation.js'
import { saveGeneration } from './save-generation.js'
import { parseGenerationBytes, readCompanions, snapshotFile, verbatimSave } from './working-files.js'

/** Progress of an import, reported after each generation. */
export interface ImportProgress {
  done: number
  total: number
  generation: number
  /** What happened to it: committed now, already committed with this content, or left alone (modified on disk, adopt only). */
  action: 'imported' | 'unchanged' | 'modified'
}

/** What an import did. */
export interface ImportResult {
  /** Generations committed, in order, with their commits. */
  imported: { generation: number; commit: string }[]
  /** Generations the branch already had with the same content (nothing to do). */
  unchanged: number[]
  /**
   * Adopting in place only: generations the branch has whose file on disk now differs. They are
   * left alone (`evogit add <n> --overwrite` commits them, `evogit status` lists them).
   */
  modified: number[]
  /** Files the original reader would have listed but whose names are not strictly `gen_<n>.json`. */
  skipped: string[]
}

/** Options of `store.importGenerations`. */
export interface ImportGenerationsOptions {
  /** A directory of `gen_*.json` files written by the original Python PersonaStore. */
  from: string
  /** Replace generations the branch already has with different content. */
  overwrite?: boolean
  /** Called after each generation is committed. */
  onProgress?: (progress: ImportProgress) => void
}

/** The arguments of {@link importGenerations}: its options plus the store and the positional arguments. */
export interface ImportGenerationsCall<T> extends ImportGenerationsOptions {
  ctx: StoreContext<T>
  fs: StoreFs
  /** Internal: the source directory is the store itself (adoption in place). */
  inPlace?: boolean
}

/** The strictly named generation files of a directory, ascending, and the loosely named ones. */
export async function scanGenerationFiles(fs: StoreFs, dir: string): Promise<{ files: { name: string; id: number }[]; skipped: string[] }> {
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch (err) {
    if (isNotFound(err)) throw new InvalidArgumentError(`\`from\` directory ${dir} does not exist`, { parameter: 'from', expected: 'an existing directory', received: dir })
    throw ioError(err, dir, 'list')
  }
  // The original reader's rule: starts with gen_ and ends with .json. We import only strict names.
  const legacy = names.filter((n) => n.startsWith('gen_') && n.endsWith('.json'))
  const files = legacy.flatMap((name) => {
    const id = parseGenerationFileName(name)
    return id === null ? [] : [{ name, id }]
  })
  files.sort((a, b) => a.id - b.id)
  return { files, skipped: legacy.filter((n) => parseGenerationFileName(n) === null).sort() }
}

/**
 * Validates every generation file of a directory as an import would, without writing anything:
 * adoption runs it before creating `.git`, so a refused adopt leaves the directory as it was.
 *
 * @throws InvalidJsonError or InvalidPopulationError naming the file (and the individual).
 */
export async function checkImportable<T>(options: { ctx: Pick<StoreContext<T>, 'populationSchema'>; fs: StoreFs; dir: string }): Promise<void> {
  const { files } = await scanGenerationFiles(options.fs, options.dir)
  for (const { name, id } of files) {
    const snapshot = await snapshotFile(options.fs, options.dir, name)
    if (snapshot) parseGenerationBytes(options.ctx, name, snapshot.bytes, id)
  }
}

/**
 * Brings a directory written by the original Python `PersonaStore` into the store: one commit
 * per generation, in ascending order, each validated by the schema and committed byte for byte
 * as the original wrote it (with its `transcripts_gen_<n>.json` companion, when present). Each
 * generation is all or nothing, and one the branch already has with identical content is
 * skipped (also with `overwrite`), so an interrupted import is finished by running it again.
 *
 * @example
 * ```ts
 * const result = await store.importGenerations({ from: 'old_persona_data', onProgress: console.log })
 * ```
 */
export async function importGenerations<T>(options: ImportGenerationsCall<T>): Promise<ImportResult> {
  const { ctx, fs } = options
  if (typeof options.from !== 'string' || options.from.length === 0) {
    throw new InvalidArgumentError('`from` must be a directory path', { parameter: 'from', expected: 'a directory path', received: typeof options.from })
  }
  const from = resolve(options.from)
  const inPlace = options.inPlace ?? false
  const { files, skipped } = await scanGenerationFiles(fs, from)
  const result: ImportResult = { imported: [], unchanged: [], modified: [], skipped }
  const last = files[files.length - 1]?.id
  let done = 0
  let action: ImportProgress['action'] = 'imported'
  for (const { name, id } of files) {
    const snapshot = await snapshotFile(fs, from, name)
    if (snapshot === null) continue // removed since the listing: nothing to import
    const population = parseGenerationBytes(ctx, name, snapshot.bytes, id)
    const committed = await committedBlob(ctx, id)
    if (committed !== null && (committed === snapshot.oid || (await sameContent(ctx, id, population)))) {
      // Identical content is skipped even with overwrite, so re-running an import adds no commits.
      result.unchanged.push(id)
      action = 'unchanged'
    } else if (committed !== null && inPlace) {
      result.modified.push(id)
      action = 'modified'
    } else {
      action = 'imported'
      // The engine's statistics log covers the whole run: it goes in with the newest generation.
      const companions = await readCompanions(fs, from, id, { stats: id === last })
      const saved = await saveGeneration({
        ctx,
        generation: id,
        population,
        // The file name only: an absolute path would publish the importer's directory layout with every push.
        meta: { importedFrom: name },
        overwrite: options.overwrite ?? false,
        verbatim: verbatimSave({ generation: id, file: snapshot, companions, via: inPlace ? 'adopt' : 'import', inPlace }),
      })
      result.imported.push({ generation: id, commit: saved.commit })
    }
    done++
    options.onProgress?.({ done, total: files.length, generation: id, action })
  }
  return result
}

/** The blob of `gen_<n>.json` at the tip of the current branch, or null. */
async function committedBlob<T>(ctx: StoreContext<T>, generation: number): Promise<string | null> {
  const head = await ctx.repo.refs.head()
  if (head.oid === null) return null
  const commit = await ctx.repo.readCommit(head.oid)
  return (await ctx.repo.entryAt(commit.tree, generationFileName(generation)))?.oid ?? null
}

/** Stores imported before imports kept bytes hold canonical copies: those count as the same. */
async function sameContent<T>(ctx: StoreContext<T>, generation: number, population: T[]): Promise<boolean> {
  const stored = await loadGeneration({ ctx, generation })
  try {
    return serializePopulation(stored, ctx.keyOrder) === serializePopulation(population, ctx.keyOrder)
  } catch {
    return false
  }
}
