import { GenerationNotFoundError, InvalidArgumentError } from '../errors/index.js'
import type { Direction } from '../model/objectives.js'
import { paretoSummary, type ParetoReference } from '../model/pareto.js'
import { resolveGeneration } from './history.js'
import type { StoreContext } from './context.js'
import { loadGeneration } from './load-generation.js'
import { loadMetadata } from './load-metadata.js'

/** Options of `store.pareto`. */
export interface ParetoOptions {
  /** A branch, tag or commit; the current branch when omitted. */
  ref?: string
  /**
   * A reference point for the hypervolume, one value per objective in its own units, instead of
   * the one the sidecar used (declared, else the worst value seen in the generation).
   */
  reference?: Record<string, number>
}

/** The arguments of {@link pareto}: its options plus the store and the positional arguments. */
export interface ParetoCall<T> extends ParetoOptions {
  ctx: StoreContext<T>
  generation: number
}

/** One member of the non-dominated front. */
export interface ParetoMember<T> {
  /** Position in the population. */
  index: number
  individual: T
  /** Its score on every compared objective. */
  scores: Record<string, number>
  /** Always 0: the front is rank 0 of the non-dominated sorting. */
  rank: number
}

/** A generation's Pareto front, as {@link pareto} returns it. */
export interface ParetoResult<T> {
  generation: number
  ref: string
  commit: string
  /** The objectives compared, with their directions. */
  objectives: { name: string; direction: Direction }[]
  front: ParetoMember<T>[]
  /** Every individual's non-dominated rank (0 = front); `null` where an evaluation failed. */
  ranks: (number | null)[]
  /** For two or three objectives, else `null`. */
  hypervolume: number | null
  reference: ParetoReference | null
}

/**
 * The non-dominated front of a generation scored on two or more objectives, each respected in
 * its direction: the members with their individuals, scores and ranks, everyone's rank, and the
 * hypervolume with the reference it was measured against. Read from the sidecar, where the save
 * recorded it; a `reference` recomputes the hypervolume against that point.
 *
 * @throws GenerationNotFoundError, InvalidArgumentError when the generation has fewer than two
 *   objectives or `reference` misses one.
 *
 * @example
 * ```ts
 * const { front, hypervolume } = await store.pareto(7, { reference: { accuracy: 0, cost: 100 } })
 * ```
 */
export async function pareto<T>(options: ParetoCall<T>): Promise<ParetoResult<T>> {
  const { ctx, generation } = options
  const at = await resolveGeneration(ctx, options.ref === undefined ? generation : { ref: options.ref, generation })
  const [population, sidecar] = await Promise.all([loadGeneration({ ctx, generation, ref: at.tip }), loadMetadata({ ctx, generation, ref: at.tip })])
  if (!sidecar) throw new GenerationNotFoundError(`generation ${generation} on ${at.ref} has no sidecar (committed by hand), so it has no scores`, { generation, ref: at.ref })
  const names = Object.keys(sidecar.scores).sort()
  if (names.length < 2) {
    throw new InvalidArgumentError(`generation ${generation} on ${at.ref} has ${names.length === 0 ? 'no objectives' : `one objective (${names[0]})`}; a Pareto front needs two or more`, {
      parameter: 'generation',
      expected: 'a generation scored on two or more objectives',
      received: names.join(', ') || 'no scores',
    })
  }
  let summary = sidecar.pareto
  if (options.reference !== undefined || summary === null) {
    if (options.reference !== undefined) checkReference(options.reference, names)
    summary = paretoSummary({ scores: sidecar.scores, directions: sidecar.objectives, ...(options.reference ? { reference: options.reference } : {}) })!
  }
  const front = summary.front.map((index) => {
    const scores: Record<string, number> = {}
    for (const name of names) scores[name] = sidecar.scores[name]![index]!
    return { index, individual: population[index]!, scores, rank: 0 }
  })
  return {
    generation,
    ref: at.ref,
    commit: at.commit,
    objectives: names.map((name) => ({ name, direction: sidecar.objectives[name] ?? 'max' })),
    front,
    ranks: summary.ranks,
    hypervolume: summary.hypervolume,
    reference: summary.reference,
  }
}

function checkReference(reference: unknown, names: string[]): void {
  const ok = typeof reference === 'object' && reference !== null && names.every((n) => typeof (reference as Record<string, unknown>)[n] === 'number' && Number.isFinite((reference as Record<string, number>)[n]))
  if (!ok) {
    throw new InvalidArgumentError(`\`reference\` must give a finite number for each objective (${names.join(', ')})`, {
      parameter: 'reference',
      expected: `{ ${names.map((n) => `${n}: number`).join(', ')} }`,
      received: JSON.stringify(reference) ?? typeof reference,
    })
  }
}
