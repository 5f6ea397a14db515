import * as z from 'zod'
import { CorruptGenerationError, RefNotFoundError } from '../errors/index.js'
import type { Repository } from '../git/repository.js'
import { generationFileName, sidecarPath } from '../model/generation-id.js'
import { deriveIds, generationLineageSchema, type LineageEntry, type LineageId } from '../model/lineage.js'
import type { GenerationLineage, LineageSource } from '../model/lineage-graph.js'
import { resolveRef, type StoreContext } from './context.js'
import { generationsAt } from './history.js'
import { parseStoredJson } from './read-helpers.js'

/**
 * Reads generations for the lineage walks from sidecars only, through a cache keyed by the
 * sidecar's blob id (so it never serves stale data, and is shared by every query on the store).
 * A population file is read only for a generation saved without lineage, to derive its ids.
 */

/** What one reader did: tests and the benchmark assert on these. */
export interface LineageReadCounts {
  /** Sidecar blobs read and parsed (cache misses). */
  sidecarReads: number
  /** Population files read (generations saved without lineage). */
  populationReads: number
  /** Generations served from the cache. */
  cacheHits: number
}

/** A {@link LineageSource} bound to one snapshot of the store, with its read counts. */
export interface StoreLineageSource extends LineageSource {
  /** The name of the queried ref, as the user gave it or the current branch. */
  readonly refName: string
  /** The commit the queried ref pointed at when the source was made. */
  readonly tip: string | null
  readonly counts: LineageReadCounts
}

/** Only what the walks need from a sidecar; lenient about the rest so other format changes pass through. */
const sidecarLineageSchema = z.object({
  lineage: generationLineageSchema.optional(),
  scores: z.record(z.string(), z.array(z.union([z.number(), z.null()]))).optional(),
})

interface Parsed {
  ids: LineageId[]
  entries: (LineageEntry | null)[]
  scores: Record<string, (number | null)[]>
}

const CACHE_SIZE = 128
const caches = new WeakMap<Repository, Map<string, Parsed>>()

function cacheOf(repo: Repository): Map<string, Parsed> {
  let cache = caches.get(repo)
  if (!cache) caches.set(repo, (cache = new Map<string, Parsed>()))
  return cache
}

function remember(repo: Repository, oid: string, parsed: Parsed): void {
  const cache = cacheOf(repo)
  cache.delete(oid)
  cache.set(oid, parsed)
  // A Map iterates in insertion order, so the first key is the least recently used.
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!)
}

/**
 * Puts a sidecar the store has just built into the cache, so that the next save (whose parents
 * are usually this generation) validates them without reading it back.
 */
export function rememberLineage(ctx: StoreContext, sidecarBlob: string, sidecar: { lineage?: LineageEntry[] | undefined; scores: Record<string, readonly (number | null)[]> }): void {
  if (!sidecar.lineage) return
  remember(ctx.repo, sidecarBlob, { ids: sidecar.lineage.map((e) => e.id), entries: sidecar.lineage, scores: sidecar.scores as Record<string, (number | null)[]> })
}

/**
 * A lineage source over `ref` (the current branch when omitted; a commit id works too), or over
 * a tip already resolved (`at`, as a save has it). Other refs named by migrant parents are
 * resolved once each, on first use.
 */
export async function createLineageSource(ctx: StoreContext, ref?: string, at?: { commit: string | null; name: string }): Promise<StoreLineageSource> {
  const base = at ?? (await resolveRef(ctx, ref))
  const counts: LineageReadCounts = { sidecarReads: 0, populationReads: 0, cacheHits: 0 }
  const tips = new Map<string, Promise<string | null>>()
  const tipOf = (other: string | null): Promise<string | null> => {
    if (other === null) return Promise.resolve(base.commit)
    let tip = tips.get(other)
    if (!tip) {
      tip = resolveRef(ctx, other).then(
        (r) => r.commit,
        (err: unknown) => {
          // A migrant's island that was deleted since: its individuals read as missing.
          if (err instanceof RefNotFoundError) return null
          throw err
        },
      )
      tips.set(other, tip)
    }
    return tip
  }
  const repo = ctx.repo
  return {
    refName: base.name,
    tip: base.commit,
    counts,
    async generations(other) {
      const tip = await tipOf(other)
      return tip ? generationsAt(ctx, tip) : []
    },
    async read(generation, other): Promise<GenerationLineage | null> {
      const tip = await tipOf(other)
      if (!tip) return null
      const { tree } = await repo.readCommit(tip)
      const file = sidecarPath(generation)
      const entry = await repo.entryAt(tree, file)
      const key = entry && entry.mode !== '40000' ? entry.oid : null
      if (key !== null) {
        const cached = cacheOf(repo).get(key)
        if (cached && cached.ids.length > 0) {
          counts.cacheHits++
          remember(repo, key, cached)
          return { generation, ...cached }
        }
      }
      const population = await repo.entryAt(tree, generationFileName(generation))
      if (!population || population.mode === '40000') return null
      let parsed: Parsed = { ids: [], entries: [], scores: {} }
      if (key !== null) {
        counts.sidecarReads++
        const where = { generation, commit: tip, file }
        const result = sidecarLineageSchema.safeParse(parseStoredJson(await repo.objects.readTyped(key, 'blob'), where))
        if (!result.success) {
          const issue = result.error.issues[0]
          throw new CorruptGenerationError(`${file} in commit ${tip} has unusable lineage: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), where, { cause: result.error })
        }
        const lineage = result.data.lineage
        parsed = { ids: lineage?.map((e) => e.id) ?? [], entries: lineage ?? [], scores: result.data.scores ?? {} }
      }
      if (parsed.entries.length === 0) {
        // Saved without lineage (or by hand): ids come from the individuals, nobody has parents.
        counts.populationReads++
        const where = { generation, commit: tip, file: generationFileName(generation) }
        const individuals = parseStoredJson(await repo.objects.readTyped(population.oid, 'blob'), where)
        const list = Array.isArray(individuals) ? (individuals as unknown[]) : []
        parsed = { ids: deriveIds(list, generation, ctx.diffKey), entries: list.map(() => null), scores: parsed.scores }
      } else if (key !== null) remember(repo, key, parsed)
      return { generation, ...parsed }
    },
  }
}
