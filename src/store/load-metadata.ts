import { CorruptGenerationError } from '../errors/index.js'
import { assertGenerationId, sidecarPath } from '../model/generation-id.js'
import { sidecarSchema, type Sidecar } from '../model/sidecar.js'
import { resolveRef, type StoreContext } from './context.js'
import type { ReadOptions } from './load-generation.js'
import { parseStoredJson, readFileAt } from './read-helpers.js'

/** The arguments of {@link loadMetadata}. */
export interface LoadMetadataOptions extends ReadOptions {
  ctx: StoreContext
  generation: number
}

/**
 * Loads a generation's sidecar: when it was saved, score statistics, raw scores, its parent and
 * your `meta`. Returns `null` when the generation has no sidecar (absent, or committed by hand).
 *
 * @example
 * ```ts
 * const sidecar = await store.loadMetadata(3)
 * sidecar?.meta // { seed: 42, mutationRate: 0.2 }
 * ```
 */
export async function loadMetadata(options: LoadMetadataOptions): Promise<Sidecar | null> {
  const { ctx } = options
  const generation = assertGenerationId(options.generation)
  const { commit } = await resolveRef(ctx, options.ref)
  if (!commit) return null
  const file = sidecarPath(generation)
  const bytes = await readFileAt(ctx, commit, file)
  if (bytes === null) return null
  const where = { generation, commit, file }
  const result = sidecarSchema.safeParse(parseStoredJson(bytes, where))
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new CorruptGenerationError(`${file} in commit ${commit} is not a valid sidecar: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), where, {
      cause: result.error,
    })
  }
  return result.data
}
