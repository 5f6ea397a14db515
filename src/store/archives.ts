import type { StoreContext } from './context.js'
import { ARCHIVE_PREFIX, describeArchive } from './archive-refs.js'
import type { ArchivedTip } from './history-types.js'

/** The arguments of {@link archives}. */
export interface ArchivesOptions {
  ctx: StoreContext
}

/**
 * The tips that rollbacks set aside, newest first.
 *
 * @example
 * ```ts
 * const [latest] = await store.archives()
 * if (latest) await store.restoreArchive(latest.id)
 * ```
 */
export async function archives(options: ArchivesOptions): Promise<ArchivedTip[]> {
  const { ctx } = options
  const out: ArchivedTip[] = []
  for (const ref of await ctx.repo.refs.list(ARCHIVE_PREFIX)) {
    const oid = await ctx.repo.refs.resolve(ref)
    if (oid) out.push(await describeArchive(ctx, ref, oid))
  }
  return out.sort((a, b) => (a.archivedAt < b.archivedAt ? 1 : a.archivedAt > b.archivedAt ? -1 : a.ref < b.ref ? 1 : -1))
}
