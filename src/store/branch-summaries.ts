import type { StoreContext } from './context.js'
import type { BranchSummary } from './history-types.js'
import { bestOfTwo } from '../model/objectives.js'
import { accumulateBest, generationsAt, walkFirstParent, type BestOnBranch } from './history.js'

/**
 * What `branches()` knows about commits it has summarised, kept in `.git/evogit/summaries.json`
 * so that the next call, in this process or another, walks only what is new.
 *
 * Every entry is keyed by commit ids, which never change meaning, so an entry is either right
 * or absent: nothing ever invalidates one. The file is a cache and nothing else: when it is
 * missing, unreadable or from another version it is rebuilt from history (one walk of each
 * branch); when it cannot be written (a read-only store) `branches()` still answers. Entries
 * beyond {@link MAX_ENTRIES} are dropped oldest first.
 *
 * - `tips`: for a commit, the best primary score over its first-parent line (in the direction of
 *   the primary objective of its newest generation, as `bestScoreOn` reads it), the line's length,
 *   and the highest generation in its tree. A tip one save ahead of a cached one costs one commit
 *   read and one tree read.
 * - `onLine`: whether a commit (a recorded fork point) is on another's first-parent line.
 * - `forks`: the fork found in the graph for a branch without a record, keyed by the branch,
 *   its tip and every branch tip it was compared with.
 */
/** What is known about one commit. */
export interface TipSummary extends BestOnBranch {
  length: number
  latest: number | null
}

interface SummaryCache {
  version: 3
  tips: Record<string, TipSummary>
  onLine: Record<string, boolean>
  forks: Record<string, BranchSummary['forkedFrom']>
}

const VERSION = 3
const MAX_ENTRIES = 512

function isCache(value: unknown): value is SummaryCache {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<SummaryCache>
  if (v.version !== VERSION || typeof v.tips !== 'object' || typeof v.onLine !== 'object' || typeof v.forks !== 'object') return false
  return Object.values(v.tips ?? {}).every((t) => typeof t === 'object' && t !== null && (t.best === null || typeof t.best === 'number') && (t.direction === null || t.direction === 'max' || t.direction === 'min') && (t.objective === null || typeof t.objective === 'string') && (t.latest === null || Number.isSafeInteger(t.latest)) && Number.isSafeInteger(t.length))
}

/** Keeps the newest `MAX_ENTRIES` keys of a record (insertion order is age). */
function trimmed<V>(record: Record<string, V>): Record<string, V> {
  const keys = Object.keys(record)
  if (keys.length <= MAX_ENTRIES) return record
  return Object.fromEntries(keys.slice(keys.length - MAX_ENTRIES).map((k) => [k, record[k]!]))
}

/** Branch summaries backed by the on-disk cache. Open one per `branches()` call, then {@link save}. */
export class BranchSummaries {
  private changed = false

  private constructor(
    private readonly ctx: StoreContext,
    private readonly cache: SummaryCache,
  ) {}

  /** Loads the cache (an empty one when there is none or it is not ours). */
  static async open(ctx: StoreContext): Promise<BranchSummaries> {
    let cache: SummaryCache = { version: VERSION, tips: {}, onLine: {}, forks: {} }
    try {
      const raw = await ctx.repo.storeFiles.read('summaries.json')
      const parsed = raw === null ? null : (JSON.parse(raw) as unknown)
      if (isCache(parsed)) cache = parsed
    } catch {
      // Unreadable or torn: it is only a cache; rebuild it.
    }
    return new BranchSummaries(ctx, cache)
  }

  /** The best primary score on `tip`'s first-parent line, and the line's length, walking back only to the nearest summarised commit. */
  async summary(tip: string): Promise<TipSummary> {
    const known = Object.hasOwn(this.cache.tips, tip) ? this.cache.tips[tip] : undefined
    if (known) return known
    const acc: BestOnBranch = { best: null, objective: null, direction: null }
    let steps = 0
    let base: TipSummary | null = null
    await walkFirstParent(this.ctx, tip, ({ oid, info }) => {
      const cached = oid !== tip && Object.hasOwn(this.cache.tips, oid) ? this.cache.tips[oid] : undefined
      if (cached) {
        base = cached
        return false
      }
      steps++
      accumulateBest(acc, info)
      return true
    })
    const b = base as TipSummary | null
    const latest = (await generationsAt(this.ctx, tip)).at(-1) ?? null
    let result: TipSummary
    if (b === null || acc.objective === null || b.objective === null || b.objective === acc.objective) {
      const objective = acc.objective ?? b?.objective ?? null
      const direction = acc.direction ?? b?.direction ?? null
      const best = direction === null ? null : bestOfTwo(acc.best, b?.best ?? null, direction)
      result = { best, objective, direction, length: steps + (b?.length ?? 0), latest }
    } else {
      // The primary objective changed since the cached commit: its best means something else, so
      // walk the whole line once for this tip.
      const full: BestOnBranch = { best: null, objective: null, direction: null }
      let length = 0
      await walkFirstParent(this.ctx, tip, ({ info }) => {
        length++
        accumulateBest(full, info)
        return true
      })
      result = { ...full, length, latest }
    }
    this.cache.tips[tip] = result
    this.changed = true
    return result
  }

  /** Whether `commit` is on `tip`'s first-parent line (what a recorded fork point must be). */
  async isOnLine(tip: string, commit: string): Promise<boolean> {
    const key = `${tip}:${commit}`
    if (Object.hasOwn(this.cache.onLine, key)) return this.cache.onLine[key]!
    const target = (await this.summary(commit)).length
    let found = false
    let remaining = (await this.summary(tip)).length - target
    if (remaining >= 0) {
      await walkFirstParent(this.ctx, tip, ({ oid }) => {
        const verdict = this.cache.onLine[`${oid}:${commit}`]
        if (oid !== tip && verdict !== undefined) {
          found = verdict
          return false
        }
        if (remaining-- === 0) {
          found = oid === commit
          return false
        }
        return true
      })
    }
    this.cache.onLine[key] = found
    this.changed = true
    return found
  }

  /** A fork found in the graph earlier for the same branch, tip and set of tips. */
  fork(key: string): BranchSummary['forkedFrom'] | undefined {
    return Object.hasOwn(this.cache.forks, key) ? this.cache.forks[key] : undefined
  }

  rememberFork(key: string, fork: BranchSummary['forkedFrom']): void {
    this.cache.forks[key] = fork
    this.changed = true
  }

  /** Writes the cache when it changed. Never fails the caller: a store on read-only media still lists its branches. */
  async save(): Promise<void> {
    if (!this.changed) return
    const cache: SummaryCache = { version: VERSION, tips: trimmed(this.cache.tips), onLine: trimmed(this.cache.onLine), forks: trimmed(this.cache.forks) }
    // Not fsynced: losing it to a power cut costs one rebuild, never a wrong answer.
    await this.ctx.repo.storeFiles.write('summaries.json', JSON.stringify(cache), { sync: false }).catch(() => undefined)
  }
}
