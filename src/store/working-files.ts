import type { BigIntStats } from 'node:fs'
import { InvalidJsonError, InvalidPopulationError } from '../errors/index.js'
import { ObjectDatabase } from '../git/objects.js'
import type { InPlaceFile } from '../git/transaction.js'
import { ioError, isNotFound, type StoreFs } from '../io/fs.js'
import { generationFileName } from '../model/generation-id.js'
import { validatePopulation } from '../model/population.js'
import type { Sidecar } from '../model/sidecar.js'
import { formatUtc } from '../model/time.js'
import type { StoreContext } from './context.js'

/** The original engine's per-generation companion file: `transcripts_gen_<n>.json`. */
export function transcriptFileName(generation: number): string {
  return `transcripts_gen_${generation}.json`
}

/** The original engine's statistics log, one JSON line appended per generation. */
export const GENERATION_STATS_FILE = 'generation_stats.jsonl'

/** `transcripts_gen_<n>.json` → n, else null. */
export function parseTranscriptFileName(name: string): number | null {
  const match = /^transcripts_gen_(0|[1-9][0-9]*)\.json$/.exec(name)
  return match?.[1] && Number.isSafeInteger(Number(match[1])) ? Number(match[1]) : null
}

/** A file read as it is on disk, with the stat taken before reading it. */
export interface FileSnapshot {
  /** The name inside its directory. */
  name: string
  bytes: Buffer
  oid: string
  stat: BigIntStats
}

/**
 * How a generation written by another program is committed: its bytes as they are, where it
 * came from, and the companion files that go into the same commit. Internal to the store.
 */
export interface VerbatimSave {
  bytes: Buffer
  source: NonNullable<Sidecar['source']>
  companions: FileSnapshot[]
  /**
   * The files are the store's own working-tree files (adopt, add, watch): they are indexed as
   * they are, never rewritten. Otherwise (import from elsewhere) they are written into place.
   */
  inPlace: InPlaceFile[] | null
}

/**
 * Reads a file whose bytes will be committed as they are. The stat is taken before the bytes and
 * compared after, so a file being rewritten while we read it is reported (`null` stat match)
 * rather than committed torn; the caller retries or refuses.
 */
export async function snapshotFile(fs: StoreFs, dir: string, name: string): Promise<FileSnapshot | null> {
  const path = `${dir}/${name}`
  try {
    for (let attempt = 0; ; attempt++) {
      const before = await fs.stat(path, { bigint: true })
      const bytes = await fs.readFile(path)
      const after = await fs.stat(path, { bigint: true })
      if ((before.mtimeNs === after.mtimeNs && before.size === after.size && BigInt(bytes.length) === after.size) || attempt >= 20) {
        return { name, bytes, oid: ObjectDatabase.hash('blob', bytes), stat: after }
      }
      await new Promise((r) => setTimeout(r, 25))
    }
  } catch (err) {
    if (isNotFound(err)) return null
    throw ioError(err, path, 'read')
  }
}

/**
 * Parses and validates a generation file's bytes without changing them. Errors name the file,
 * and for schema failures the individual and field, so the user knows what to fix where.
 */
export function parseGenerationBytes<T>(ctx: Pick<StoreContext<T>, 'populationSchema'>, file: string, bytes: Buffer, generation: number): T[] {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new InvalidJsonError(`${file} is not valid UTF-8`, { what: file, path: [], reason: 'not valid UTF-8' })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text) as unknown
  } catch (err) {
    const hint = /\b(NaN|Infinity)\b/.test(text) ? ' (Python writes float("nan") and float("inf") as NaN and Infinity, which JSON cannot carry)' : ''
    throw new InvalidJsonError(`${file} is not valid JSON: ${(err as Error).message}${hint}`, { what: file, path: [], reason: (err as Error).message })
  }
  if (!Array.isArray(parsed)) {
    throw new InvalidPopulationError(`${file} does not hold a JSON array of individuals`, { generation, file, issues: [{ index: -1, path: [], message: 'expected a JSON array' }] })
  }
  try {
    return validatePopulation({ populationSchema: ctx.populationSchema, population: parsed, generation, context: file })
  } catch (err) {
    if (err instanceof InvalidPopulationError) throw new InvalidPopulationError(err.message, { ...err.data, file }, { cause: err })
    throw err
  }
}

/** The companion files of `generation` present in `dir`, read as they are. */
export async function readCompanions(fs: StoreFs, dir: string, generation: number, options: { stats: boolean }): Promise<FileSnapshot[]> {
  const names = [transcriptFileName(generation), ...(options.stats ? [GENERATION_STATS_FILE] : [])]
  const found = await Promise.all(names.map((n) => snapshotFile(fs, dir, n)))
  return found.filter((f): f is FileSnapshot => f !== null)
}

/** Builds the verbatim save of one generation file already read. */
export function verbatimSave(options: {
  generation: number
  file: FileSnapshot
  companions: FileSnapshot[]
  via: NonNullable<Sidecar['source']>['via']
  inPlace: boolean
}): VerbatimSave {
  const { file, companions } = options
  const modifiedAt = formatUtc(new Date(Number(file.stat.mtimeNs / 1_000_000n)))
  return {
    bytes: file.bytes,
    source: { file: generationFileName(options.generation), modifiedAt, via: options.via, companions: companions.map((c) => c.name) },
    companions,
    inPlace: options.inPlace ? [file, ...companions].map((f) => ({ path: f.name, oid: f.oid, stat: f.stat })) : null,
  }
}
