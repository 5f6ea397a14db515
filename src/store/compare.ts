import type { GenerationCommitInfo } from '../model/commit-message.js'
import { buildComparison, parseTarget, type CompareSource, type Comparison, type GenerationPoint, type RowKind } from '../model/compare.js'
import { groupComparison, type CompareGroup } from '../model/compare-group.js'
import { RefNotFoundError } from '../errors/index.js'
import { isValidRefName } from '../model/refname.js'
import { resolveRef, type StoreContext } from './context.js'
import { readCompareLines, type KnownCommit } from './compare-lines.js'
import { readForks } from './history.js'
import { parseSidecar } from './load-metadata.js'
import { readFileAt } from './read-helpers.js'
import { sidecarPath } from '../model/generation-id.js'
import type { Sidecar } from '../model/sidecar.js'
import { toComparableJson } from '../model/lossless-json.js'

/** Options of `store.compare`. */
export interface CompareOptions {
  /**
   * The rows: branches, tags, archived tips (`archive/main/20261124T033843Z`), remote branches
   * (`origin/main`), commits, or patterns with `*` (`origin/*`). Default: every local branch.
   */
  refs?: readonly string[]
  /** First generation reaching this target, e.g. `cost<=0.1` or `score>=0.8`. */
  target?: string
  /** Show every meta key, not only those that differ between rows. */
  allMeta?: boolean
  /** Order rows by an objective (best first), a meta key, `name`, `latestGeneration`, `generations` or `target`. */
  sortBy?: string
  /** Aggregate rows that differ only in this meta key (e.g. `meta.seed`) into mean ± stdev. */
  groupBy?: string
}

/** The arguments of {@link compare}: its options plus the store and the positional arguments. */
export interface CompareCall extends CompareOptions {
  ctx: StoreContext
  /** Commits the caller has already read, so they are not read again (the report's walks). */
  known?: ReadonlyMap<string, KnownCommit>
}

/** A comparison, plus the groups when `groupBy` was given. */
export interface CompareResult extends Comparison {
  groups?: CompareGroup[]
}

/**
 * Experiments side by side, in the spirit of `dvc exp show`: one row per branch (or per ref
 * named), with where it forked and from which row, its latest generation and population size,
 * per objective the best ever (and when) and the latest best and mean, respecting direction,
 * the first generation reaching a target, and the meta keys whose values differ. Read from
 * commit trailers and one sidecar per row, never from population files, and each commit is
 * read once however many rows share it.
 *
 * @throws RefNotFoundError for a ref that does not resolve (or a pattern that matches nothing),
 *   InvalidArgumentError for a bad `target`, `sortBy` or `groupBy`.
 *
 * @example
 * ```ts
 * const { rows } = await store.compare({ target: 'score>=0.78', sortBy: 'score' })
 * rows.map((r) => [r.name, r.objectives.score?.best, r.meta['meta.settings.mutationRate']])
 * ```
 */
export async function compare(options: CompareCall): Promise<CompareResult> {
  const { ctx } = options
  const target = options.target === undefined ? null : parseTarget(options.target)
  const rows = await rowRefs(ctx, options.refs)
  const forks = await readForks(ctx)
  const root = (await ctx.repo.getConfig('evogit.rootBranch')) ?? 'main'
  const { lines: walked, infos } = await readCompareLines(ctx, rows.map((row) => row.commit), options.known)
  const lines = new Map<string, string[]>()
  const sources: CompareSource[] = []
  for (const [i, row] of rows.entries()) {
    const line = walked[i]!
    const points: GenerationPoint[] = []
    const seen = new Set<number>()
    for (const oid of line) {
      const info = infos.get(oid)
      // The newest commit of a generation stands for it, as in `log`: an overwrite replaces.
      if (info && !seen.has(info.generation)) {
        seen.add(info.generation)
        points.push({ generation: info.generation, populationSize: info.populationSize, stats: info.stats })
      }
    }
    lines.set(row.name, line)
    const latest = points.reduce<number | null>((m, p) => (m === null || p.generation > m ? p.generation : m), null)
    const sidecar = latest === null ? null : await rowSidecar(ctx, row.commit, latest).catch(() => null)
    sources.push({ ...row, forkedFrom: null, points, meta: toComparableJson(sidecar?.meta ?? null) })
  }
  const rootLine = new Set(lines.get(root) ?? [])
  // Each line's members, built once rather than once per pair of rows.
  const members = new Map<string, Set<string>>()
  for (const source of sources) {
    const line = lines.get(source.name)!
    const recorded = source.kind === 'branch' ? forks[source.name] : undefined
    if (recorded && line.includes(recorded.commit)) {
      // Forked at a commit of the root branch while another branch was checked out: the
      // commit is the root's (that row ran it), so that is the row it forked from.
      const from = recorded.from !== root && rootLine.has(recorded.commit) ? root : recorded.from
      source.forkedFrom = { branch: from, generation: recorded.generation, commit: recorded.commit }
      continue
    }
    // The root branch is where runs start; it forked from nothing.
    source.forkedFrom = source.kind === 'branch' && source.name === root ? null : nearestMeeting(source.name, line, lines, members, infos, root)
  }
  const comparison = buildComparison({ sources, target, allMeta: options.allMeta ?? false, ...(options.sortBy === undefined ? {} : { sortBy: options.sortBy }) })
  return options.groupBy === undefined ? comparison : { ...comparison, groups: groupComparison(comparison, options.groupBy) }
}

/**
 * Without a fork record (native branches, clones, tags, commits), a row forked where its line
 * first meets another row's line; the root branch wins ties, so a tag on main reads "from main".
 */
function nearestMeeting(name: string, line: readonly string[], lines: ReadonlyMap<string, string[]>, members: Map<string, Set<string>>, infos: ReadonlyMap<string, GenerationCommitInfo | null>, root: string): CompareSource['forkedFrom'] {
  let best: { branch: string; commit: string; depth: number } | null = null
  for (const [other, otherLine] of lines) {
    if (other === name) continue
    let set = members.get(other)
    if (!set) members.set(other, (set = new Set(otherLine)))
    const depth = line.findIndex((oid) => set.has(oid))
    // Depth 0 with the same tip is the same line under two names, not a fork.
    if (depth < 0 || (depth === 0 && otherLine[0] === line[0] && otherLine.length === line.length)) continue
    if (!best || depth < best.depth || (depth === best.depth && other === root)) best = { branch: other, commit: line[depth]!, depth }
  }
  if (!best) return null
  return { branch: best.branch, generation: infos.get(best.commit)?.generation ?? null, commit: best.commit }
}

/** The sidecar of a row's latest generation, as `sidecarAt` reads it. */
async function rowSidecar(ctx: StoreContext, commit: string, generation: number): Promise<Sidecar | null> {
  const file = sidecarPath(generation)
  const bytes = await readFileAt(ctx, commit, file)
  return bytes === null ? null : parseSidecar(bytes, { generation, commit, file })
}

const KINDS: readonly [string, RowKind][] = [
  ['refs/heads/', 'branch'],
  ['refs/tags/', 'tag'],
  ['refs/remotes/', 'remote'],
  ['refs/evogit/archive/', 'archive'],
]

/** The refs to compare, each resolved to a commit and classified. */
async function rowRefs(ctx: StoreContext, refs: readonly string[] | undefined): Promise<{ name: string; kind: RowKind; commit: string }[]> {
  const out: { name: string; kind: RowKind; commit: string }[] = []
  const add = async (name: string, kind: RowKind, ref: string) => {
    if (out.some((r) => r.name === name)) return
    const { commit } = await resolveRef(ctx, ref)
    if (commit) out.push({ name, kind, commit })
  }
  if (refs === undefined || refs.length === 0) {
    for (const ref of await ctx.repo.refs.list('refs/heads/')) await add(ref.slice('refs/heads/'.length), 'branch', ref)
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }
  for (const wanted of refs) {
    if (wanted.includes('*')) {
      const pattern = new RegExp(`^${wanted.split('*').map(escapeRegExp).join('[^]*')}$`)
      let matched = 0
      for (const [prefix, kind] of KINDS) {
        for (const ref of (await ctx.repo.refs.list(prefix)).sort()) {
          const short = kind === 'archive' ? ref.slice('refs/evogit/'.length) : ref.slice(prefix.length)
          if (pattern.test(short) || pattern.test(ref)) {
            matched++
            await add(short, kind, ref)
          }
        }
      }
      if (matched === 0) throw new RefNotFoundError(`no branch, tag, remote branch or archived tip matches ${JSON.stringify(wanted)}`, { ref: wanted })
      continue
    }
    // An archive id as `archives()` prints it (`main/20261124T033843Z`) names its tip too.
    const archived = !wanted.startsWith('refs/') && isValidRefName(wanted) && (await ctx.repo.refs.resolve(`refs/evogit/archive/${wanted}`)) !== null
    if (archived) await add(wanted, 'archive', `refs/evogit/archive/${wanted}`)
    else {
      // Resolving first validates the name, before it is used to look for refs of each kind.
      await resolveRef(ctx, wanted)
      await add(wanted, await kindOf(ctx, wanted), wanted)
    }
  }
  return out
}

async function kindOf(ctx: StoreContext, name: string): Promise<RowKind> {
  if (name.startsWith('refs/')) return KINDS.find(([prefix]) => name.startsWith(prefix))?.[1] ?? 'commit'
  for (const [prefix, kind] of KINDS) if ((await ctx.repo.refs.resolve(`${prefix}${name}`)) !== null) return kind
  if (name.startsWith('archive/') && (await ctx.repo.refs.resolve(`refs/evogit/${name}`)) !== null) return 'archive'
  return 'commit'
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
