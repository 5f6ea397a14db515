import { chooseKey, diffIndividuals, diffStats, fieldChanges } from '../model/diff.js'
import type { StoreContext } from './context.js'
import { matchByLineage } from './diff-lineage.js'
import { resolveGeneration } from './history.js'
import type { GenerationSpec, PopulationDiff } from './history-types.js'
import { loadGeneration } from './load-generation.js'
import { loadMetadata } from './load-metadata.js'

/** Options of `store.diff`. */
export interface DiffOptions {
  /**
   * Match individuals by this field. By default they are matched by the newer generation's
   * recorded lineage (child to parent); without lineage, by `id`, else `name`, else position.
   */
  key?: string
}

/** The arguments of {@link diff}: its options plus the store and the positional arguments. */
export interface DiffCall<T> extends DiffOptions {
  ctx: StoreContext<T>
  /** The older side: a generation on the current branch, or `{ ref, generation }`. */
  from: GenerationSpec
  /** The newer side. */
  to: GenerationSpec
}

/**
 * A semantic diff of two populations: individuals added, removed and changed, the changed fields
 * of each with old and new values, and the change in score statistics. When the newer generation
 * recorded lineage, each child is matched to its parent: "changed from its parent" (mutated, or a
 * crossover), an elite kept, or a newcomer, counted in `lineage`. Otherwise individuals are
 * matched by a key field, and `note` says so. The `meta` keys (settings, RNG state) whose values
 * differ are listed too. Plain data, for the CLI and for your own reports.
 *
 * @throws GenerationNotFoundError when a side does not exist on its ref.
 *
 * @example
 * ```ts
 * const d = await store.diff(3, { ref: 'high-mutation', generation: 5 })
 * d.changed[0]?.fields // [{ path: ['personality_traits', 'openness'], old: 0.4, new: 0.7 }]
 * d.meta // [{ path: ['settings', 'mutationRate'], old: 0.2, new: 0.9 }, ...]
 * ```
 */
export async function diff<T>(options: DiffCall<T>): Promise<PopulationDiff<T>> {
  const { ctx } = options
  const [a, b] = await Promise.all([resolveGeneration(ctx, options.from, 'from'), resolveGeneration(ctx, options.to, 'to')])
  // Read both sides from the tips we resolved, so a save racing with the diff cannot mix states.
  const [before, after, metaA, metaB] = await Promise.all([
    loadGeneration({ ctx, generation: a.generation, ref: a.tip }),
    loadGeneration({ ctx, generation: b.generation, ref: b.tip }),
    loadMetadata({ ctx, generation: a.generation, ref: a.tip }),
    loadMetadata({ ctx, generation: b.generation, ref: b.tip }),
  ])
  const lineage = options.key === undefined ? await matchByLineage(ctx, { a, b, before, after, metaA, metaB }) : null
  const key = options.key ?? ctx.diffKey ?? chooseKey([before, after], declaredKeys(ctx.schema))
  const { summary, ...individuals } = lineage && 'diff' in lineage ? lineage.diff : { ...diffIndividuals(before, after, key), summary: null }
  return {
    from: { ref: a.ref, generation: a.generation, commit: a.commit },
    to: { ref: b.ref, generation: b.generation, commit: b.commit },
    ...individuals,
    matchedBy: summary ? 'lineage' : 'key',
    lineage: summary,
    note: lineage && 'note' in lineage ? `${lineage.note}; individuals matched by ${key}` : null,
    stats: diffStats(metaA?.stats ?? null, metaB?.stats ?? null),
    meta: fieldChanges(metaA?.meta ?? null, metaB?.meta ?? null),
  }
}

function declaredKeys(schema: unknown): string[] {
  const def = (schema as { _zod?: { def?: { type?: string; shape?: Record<string, unknown> } } })._zod?.def
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : []
}
