import { CorruptGenerationError } from '../errors/index.js'
import { parseExactJson, parseStoredExact, type NumberMode } from '../model/lossless-json.js'
import type { StoreContext } from './context.js'

/**
 * Reads a file at `path` in a commit's tree as bytes, or `null` when the commit has no such file.
 * The root tree is not decoded or cached for this unless it is cached already (see
 * `Repository.fileEntryAt`).
 */
export async function readFileAt(ctx: StoreContext, commit: string, path: string): Promise<Buffer | null> {
  const { tree } = await ctx.repo.readCommit(commit)
  const entry = await ctx.repo.fileEntryAt(tree, path)
  if (!entry || entry.mode === '40000') return null
  return ctx.repo.objects.readTyped(entry.oid, 'blob')
}

/** Parses JSON read from a commit, turning a syntax error into a typed error that names the commit and file. */
export function parseStoredJson(bytes: Buffer, where: { generation: number; commit: string; file: string }): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown
  } catch (err) {
    throw new CorruptGenerationError(
      `${where.file} in commit ${where.commit} is not valid JSON (${(err as Error).message}); other generations are unaffected`,
      where,
      { cause: err },
    )
  }
}

/**
 * Like {@link parseStoredJson}, but no number is rounded: `exact` gives bigint for integers past
 * 2^53, `lossless` keeps every number's digits as written (what the CLI prints).
 */
export function parseStoredJsonExact(bytes: Buffer, where: { generation: number; commit: string; file: string }, numbers: NumberMode): unknown {
  try {
    const text = bytes.toString('utf8')
    return numbers === 'exact' ? parseStoredExact(text, where.file) : parseExactJson(text, { what: where.file, numbers })
  } catch (err) {
    throw new CorruptGenerationError(
      `${where.file} in commit ${where.commit} is not valid JSON (${(err as Error).message}); other generations are unaffected`,
      where,
      { cause: err },
    )
  }
}
