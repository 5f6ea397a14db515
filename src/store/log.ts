import { InvalidArgumentError } from '../errors/index.js'
import type { CommitData } from '../git/format.js'
import type { GenerationCommitInfo } from '../model/commit-message.js'
import { fromGitTime } from '../model/time.js'
import { resolveRef, type StoreContext } from './context.js'
import { walkFirstParent } from './history.js'
import type { LogEntry } from './history-types.js'
import type { ReadOptions } from './load-generation.js'

/** Options of `store.log`. */
export interface LogOptions extends ReadOptions {
  /** At most this many entries (newest first). */
  limit?: number
}

/** The arguments of {@link log}: its options plus the store and the positional arguments. */
export interface LogCall extends LogOptions {
  ctx: StoreContext
}

/**
 * One entry per generation on the branch, newest first: commit, time, generation, population
 * size and score statistics. Everything comes from commit trailers; no population file is
 * opened. When a generation was overwritten, its newest commit stands for it. Commits that saved
 * no generation (made by hand) are skipped.
 *
 * @example
 * ```ts
 * for (const e of await store.log({ limit: 10 })) console.log(e.generation, e.stats.score?.best)
 * ```
 */
export async function log(options: LogCall): Promise<LogEntry[]> {
  const { ctx, limit } = options
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new InvalidArgumentError(`\`limit\` must be a non-negative integer, received ${String(limit)}`, { parameter: 'limit', expected: 'a non-negative integer', received: String(limit) })
  }
  const { commit } = await resolveRef(ctx, options.ref)
  const out: LogEntry[] = []
  if (!commit || limit === 0) return out
  const seen = new Set<number>()
  await walkFirstParent(ctx, commit, ({ oid, commit: c, info }) => {
    if (!info || seen.has(info.generation)) return true
    seen.add(info.generation)
    out.push(logEntryOf(oid, c, info))
    return limit === undefined || out.length < limit
  })
  return out
}

/** The log entry of one generation commit, shared with the report's own walk so both read a commit alike. */
export function logEntryOf(oid: string, c: CommitData, info: GenerationCommitInfo): LogEntry {
  return {
    commit: oid,
    time: fromGitTime(c.committer.timestamp),
    generation: info.generation,
    populationSize: info.populationSize,
    stats: info.stats,
    primary: info.primary,
    pareto: info.pareto,
    subject: c.message.split('\n', 1)[0] ?? '',
  }
}
