import { parseCommitMessage, type GenerationCommitInfo } from '../model/commit-message.js'
import type { StoreContext } from './context.js'

/** What a walk already learnt of a commit: its first parent and its trailers. */
export interface KnownCommit {
  parent: string | undefined
  info: GenerationCommitInfo | null
}

/** Every row's first-parent line, newest first, and what each commit on them says about itself. */
export interface CompareLines {
  /** One line per tip asked for, in the same order. */
  lines: string[][]
  /** The trailers of every commit on any line (`null` for commits that saved no generation). */
  infos: Map<string, GenerationCommitInfo | null>
}

/**
 * Reads the first-parent lines ending at `tips`, reading and parsing each commit once however
 * many lines share it. Experiments fork from one another, so their lines share long tails (20
 * branches forked halfway through 1000 generations hold 10 500 commits, not 20 000): a walk stops
 * at the first commit an earlier walk met and takes the rest of its line from there. That is the
 * line a full walk would find, since a commit's first parent never changes.
 *
 * `known` holds commits a caller has already read (the report walks every line before it
 * compares them); they are not read again.
 */
export async function readCompareLines(ctx: StoreContext, tips: readonly string[], known?: ReadonlyMap<string, KnownCommit>): Promise<CompareLines> {
  const infos = new Map<string, GenerationCommitInfo | null>()
  // Where each commit met so far sits: its line and index, so `line.slice(index)` is its own line.
  const where = new Map<string, { line: string[]; index: number }>()
  const lines: string[][] = []
  for (const tip of tips) {
    const line: string[] = []
    let oid: string | undefined = tip
    while (oid !== undefined) {
      const met = where.get(oid)
      if (met) {
        // Met on this very walk only in a (corrupt) first-parent cycle: stop, as a walk does.
        if (met.line !== line) for (let i = met.index; i < met.line.length; i++) line.push(met.line[i]!)
        break
      }
      where.set(oid, { line, index: line.length })
      line.push(oid)
      const seen: KnownCommit | undefined = known?.get(oid)
      if (seen) {
        infos.set(oid, seen.info)
        oid = seen.parent
        continue
      }
      const commit = await ctx.repo.readCommitLink(oid)
      infos.set(oid, parseCommitMessage(commit.message))
      oid = commit.parents[0]
    }
    lines.push(line)
  }
  return { lines, infos }
}
