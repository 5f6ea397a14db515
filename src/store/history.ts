import { GenerationNotFoundError, InvalidArgumentError } from '../errors/index.js'
import type { CommitData } from '../git/format.js'
import { parseCommitMessage, type GenerationCommitInfo } from '../model/commit-message.js'
import { assertGenerationId, generationFileName, parseGenerationFileName } from '../model/generation-id.js'
import { bestOfTwo, type Direction } from '../model/objectives.js'
import { resolveRef, type StoreContext } from './context.js'
import type { GenerationSpec } from './history-types.js'

/** One commit met while walking a branch's first-parent history. */
export interface WalkedCommit {
  oid: string
  commit: CommitData
  /** What the commit's trailers say, or `null` for commits that saved no generation (hand-made ones). */
  info: GenerationCommitInfo | null
}

/**
 * Walks first parents from `tip`, newest first, until `visit` returns `false`. First parents are
 * the line of saves on a branch; merged-in side lines (from native git) are not generations of it.
 */
export async function walkFirstParent(ctx: StoreContext, tip: string, visit: (c: WalkedCommit) => boolean | void | Promise<boolean | void>): Promise<void> {
  let oid: string | undefined = tip
  const seen = new Set<string>()
  while (oid && !seen.has(oid)) {
    seen.add(oid)
    const commit = await ctx.repo.readCommit(oid)
    if ((await visit({ oid, commit, info: parseCommitMessage(commit.message) })) === false) return
    oid = commit.parents[0]
  }
}

/** Generation ids present in a commit's tree. */
export async function generationsAt(ctx: StoreContext, commit: string): Promise<number[]> {
  const { tree } = await ctx.repo.readCommit(commit)
  const ids: number[] = []
  for (const e of await ctx.repo.readTree(tree)) {
    const id = e.mode === '40000' ? null : parseGenerationFileName(e.name)
    if (id !== null) ids.push(id)
  }
  return ids.sort((a, b) => a - b)
}

/**
 * The commit that saved the version of generation `n` present at `tip`: the newest commit on the
 * first-parent line that either says so in its trailers or (for commits made by hand with native
 * git) changed `gen_<n>.json`. Throws when `tip` does not have generation `n`.
 */
export async function commitOfGeneration(ctx: StoreContext, tip: string, generation: number, refName: string): Promise<string> {
  const file = generationFileName(generation)
  const blobAt = async (oid: string) => (await ctx.repo.entryAt((await ctx.repo.readCommit(oid)).tree, file))?.oid ?? null
  if ((await blobAt(tip)) === null) {
    throw new GenerationNotFoundError(`generation ${generation} is not on ${refName}`, { generation, ref: refName })
  }
  let found: string | null = null
  await walkFirstParent(ctx, tip, async ({ oid, commit, info }) => {
    if (info?.generation === generation) {
      found = oid
      return false
    }
    // Our own saves touch only their own generation, so only hand-made commits need a tree look.
    if (info === null) {
      const parent = commit.parents[0]
      if (!parent || (await blobAt(oid)) !== (await blobAt(parent))) {
        found = oid
        return false
      }
    }
    return true
  })
  return found ?? tip
}

/**
 * The commit where generation `n` was the newest on the line ending at `tip`: what rollback and
 * branch mean by "generation n". Usually the commit that saved n; but when n was overwritten
 * after later generations existed, that commit also holds them, so the walk goes back to the
 * newest commit whose highest generation is n.
 */
export async function stateAtGeneration(ctx: StoreContext, tip: string, generation: number, refName: string): Promise<string> {
  const saved = await commitOfGeneration(ctx, tip, generation, refName)
  if (((await generationsAt(ctx, saved)).at(-1) ?? -1) <= generation) return saved
  let found: string | null = null
  await walkFirstParent(ctx, saved, async ({ oid }) => {
    const ids = await generationsAt(ctx, oid)
    const highest = ids.at(-1) ?? -1
    if (highest === generation) found = oid
    return highest > generation
  })
  return found ?? saved
}

/** A generation spec resolved to the commit that saved it. */
export interface ResolvedGeneration {
  ref: string
  generation: number
  /** The commit that saved the generation. */
  commit: string
  /** The tip of the ref it was found on. */
  tip: string
}

/**
 * Resolves `3` (current branch) or `{ ref, generation }` to the commit that saved that generation,
 * or with `state`, to the commit where it was the newest (see {@link stateAtGeneration}).
 */
export async function resolveGeneration(ctx: StoreContext, spec: GenerationSpec, parameter = 'generation', options: { state?: boolean } = {}): Promise<ResolvedGeneration> {
  const { ref, generation } =
    typeof spec === 'number'
      ? { ref: undefined, generation: spec }
      : typeof spec === 'object' && spec !== null && 'generation' in spec
        ? spec
        : invalidSpec(spec, parameter)
  assertGenerationId(generation, parameter)
  const resolved = await resolveRef(ctx, ref)
  if (!resolved.commit) throw new GenerationNotFoundError(`generation ${generation} is not on ${resolved.name}: nothing has been saved there yet`, { generation, ref: resolved.name })
  const find = options.state ? stateAtGeneration : commitOfGeneration
  return { ref: resolved.name, generation, commit: await find(ctx, resolved.commit, generation, resolved.name), tip: resolved.commit }
}

function invalidSpec(spec: unknown, parameter: string): never {
  throw new InvalidArgumentError(`\`${parameter}\` must be a generation number or { ref, generation }, received ${JSON.stringify(spec)}`, {
    parameter,
    expected: 'number | { ref, generation }',
    received: JSON.stringify(spec) ?? typeof spec,
  })
}

/** True when `ancestor` is reachable from `descendant` (all parents, not just first ones). */
export async function isAncestor(ctx: StoreContext, ancestor: string, descendant: string): Promise<boolean> {
  const queue = [descendant]
  const seen = new Set<string>()
  while (queue.length > 0) {
    const oid = queue.pop()!
    if (oid === ancestor) return true
    if (seen.has(oid)) continue
    seen.add(oid)
    queue.push(...(await ctx.repo.readCommit(oid)).parents)
  }
  return false
}

/** The best score ever along a branch, in its objective's direction, read from trailers only. */
export interface BestOnBranch {
  best: number | null
  /** The objective: the one asked for, else each generation's primary (the newest one's name). */
  objective: string | null
  direction: Direction | null
}

/**
 * Best score along a branch, read from trailers only: of `objective`, or of each generation's
 * primary objective. The direction is the newest generation's, so a loss is minimised.
 */
export async function bestScoreOn(ctx: StoreContext, tip: string, objective?: string): Promise<BestOnBranch> {
  const out: BestOnBranch = { best: null, objective: objective ?? null, direction: null }
  await walkFirstParent(ctx, tip, ({ info }) => {
    accumulateBest(out, info, objective)
  })
  return out
}

/**
 * Folds one generation commit, walked newest first, into a branch's best: the first commit with
 * stats fixes the objective and its direction. Shared with the branch-summary cache, so both give
 * the same answer.
 */
export function accumulateBest(out: BestOnBranch, info: GenerationCommitInfo | null, objective?: string): void {
  if (!info) return
  const name = objective ?? info.primary
  const s = name === null ? undefined : info.stats[name]
  if (!s) return
  if (out.direction === null) {
    out.direction = s.direction
    out.objective = name
  }
  if (name === out.objective) out.best = bestOfTwo(out.best, s.best, out.direction)
}

/** What `branch` recorded about where a branch forked; kept in `.git/evogit/branches.json` (not pushed, so clones fall back to the graph). */
export interface ForkRecord {
  from: string
  generation: number | null
  commit: string
  createdAt: string
}

/** Reads the fork records. */
export async function readForks(ctx: StoreContext): Promise<Record<string, ForkRecord>> {
  const raw = await ctx.repo.storeFiles.read('branches.json')
  if (raw === null) return {}
  try {
    return JSON.parse(raw) as Record<string, ForkRecord>
  } catch {
    return {}
  }
}

/** Records (or, with `null`, forgets) where a branch forked. Call under the write lock. */
export async function writeFork(ctx: StoreContext, branch: string, record: ForkRecord | null): Promise<void> {
  const forks = await readForks(ctx)
  if (record) forks[branch] = record
  else delete forks[branch]
  await ctx.repo.storeFiles.write('branches.json', `${JSON.stringify(forks, null, 2)}\n`)
}

/** The branch HEAD is on, or `null` when detached. */
export async function currentBranch(ctx: StoreContext): Promise<string | null> {
  const head = await ctx.repo.refs.head()
  return head.ref?.startsWith('refs/heads/') ? head.ref.slice('refs/heads/'.length) : null
}
