import { processAlive, processStart } from '../io/process-alive.js'
import type { StoreContext } from './context.js'

/** Who is compacting in the background: `.git/evogit/compacting.json`. */
interface Claim {
  pid: number
  start: string | null
}

/** The live background compaction's claim, or `null` (none, or its process died). */
export async function runningCompaction(ctx: StoreContext): Promise<Claim | null> {
  const raw = await ctx.repo.storeFiles.read('compacting.json').catch(() => null)
  if (raw === null) return null
  let claim: Partial<Claim>
  try {
    claim = JSON.parse(raw) as Partial<Claim>
  } catch {
    return null // torn by a crash right after its creation: nobody's
  }
  const pid = claim.pid
  if (typeof pid !== 'number') return null
  const start = typeof claim.start === 'string' ? claim.start : null
  return processAlive(pid, start) ? { pid, start } : null
}

/**
 * Claims the right to compact in the background, so that engines that start a compaction after
 * every save (`evogit save` in a loop) run one at a time instead of piling up git processes.
 * Exclusive creation decides between racers; a claim whose process died (killed mid-repack) is
 * taken over. Returns the release, or the pid of the live holder.
 */
export async function claimCompaction(ctx: StoreContext): Promise<{ release: () => Promise<void> } | { heldBy: number }> {
  const files = ctx.repo.storeFiles
  const mine = `${JSON.stringify({ pid: process.pid, start: processStart(process.pid) })}\n`
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await files.create('compacting.json', mine)) return { release: () => files.remove('compacting.json') }
    const holder = await runningCompaction(ctx)
    if (holder !== null) return { heldBy: holder.pid }
    await files.remove('compacting.json') // its process is gone
  }
  const holder = await runningCompaction(ctx)
  return { heldBy: holder?.pid ?? -1 }
}
