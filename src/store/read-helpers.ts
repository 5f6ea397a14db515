import { CorruptGenerationError } from '../errors/index.js'
import { parseExactJson, parseStoredExact, type NumberMode } from '../model/lossless-json.js'
import { rawEntryAt } from '../git/tree-lookup.js'
import type { StoreContext } from './context.js'

/**
 * Reads a file at `path` in a commit's tree as bytes, or `null` when the commit has no such file.
 *
 * A root tree already in the parsed-tree cache (a save's parent, written by the previous save) is
 * used from there. Any other is searched by name in its raw bytes (see {@link rawEntryAt}) and
 * not cached: the root tree holds one entry per generation, and a reader of one file from each
 * of many commits (the report's samples, compare's rows) decoded and cached every entry of every
 * root tree it passed, 23 MB of garbage for a 10 x 1000 report.
 */
export async function readFileAt(ctx: StoreContext, commit: string, path: string): Promise<Buffer | null> {
  const { tree } = await ctx.repo.readCommit(commit)
  const entry = ctx.repo.treeCached(tree) ? await ctx.repo.entryAt(tree, path) : await rawEntryAt(ctx.repo.objects, tree, path)
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
