import { GenerationNotFoundError } from '../../errors/index.js'
import type { CliStore } from '../runtime.js'

/**
 * Fails with E_GENERATION_NOT_FOUND when `ref` has no generation `n`. The library reads a
 * missing generation as `[]` (the original store's behaviour), which is right for engines but
 * would make `evogit show 99` print an empty array to a person who mistyped.
 */
export async function requireGeneration(store: CliStore, generation: number, ref: string | undefined, label: string): Promise<void> {
  const ids = await store.listGenerations(ref === undefined ? {} : { ref })
  if (!ids.includes(generation)) {
    throw new GenerationNotFoundError(`generation ${generation} does not exist on ${label}`, { generation, ref: label })
  }
}
