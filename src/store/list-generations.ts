import { parseGenerationFileName } from '../model/generation-id.js'
import { resolveRef, type StoreContext } from './context.js'
import type { ReadOptions } from './load-generation.js'

/** The arguments of {@link listGenerations}. */
export interface ListGenerationsOptions extends ReadOptions {
  ctx: StoreContext
}

/**
 * The generation ids saved on a branch (or tag, or commit), sorted ascending. Only names that are
 * strictly `gen_<n>.json` count, so `gen_01.json` or a backup copy is never taken for a generation.
 *
 * @example
 * ```ts
 * await store.listGenerations() // [0, 1, 2]
 * ```
 */
export async function listGenerations(options: ListGenerationsOptions): Promise<number[]> {
  const { ctx } = options
  const { commit } = await resolveRef(ctx, options.ref)
  if (!commit) return []
  const { tree } = await ctx.repo.readCommit(commit)
  const ids: number[] = []
  for (const entry of await ctx.repo.readTree(tree)) {
    if (entry.mode === '40000') continue
    const id = parseGenerationFileName(entry.name)
    if (id !== null) ids.push(id)
  }
  return ids.sort((a, b) => a - b)
}
