import { EvogitError } from '../errors/index.js'
import { isFileLocked } from '../io/flock.js'
import type { StoreFs } from '../io/fs.js'
import { generationFileName } from '../model/generation-id.js'
import type { ScoreSelector } from '../model/scores.js'
import { commitWorkingFiles, type CommitWorkingFilesResult } from './commit-working-files.js'
import type { StoreContext } from './context.js'
import { status } from './status.js'
import { parseGenerationBytes, snapshotFile } from './working-files.js'

/** Options of {@link watch}, besides the store. */
export interface WatchOptions<T> {
  /** Stops the watch; the commit under way, if any, finishes first (it is atomic either way). */
  signal: AbortSignal
  /** How often to look at the directory, in ms (default 250). */
  intervalMs?: number
  /** How long a file must stay unchanged, lock released and content valid, before it is committed (default 500 ms). */
  settleMs?: number
  /** The name of a numeric field of each individual to score by, or a function of it. */
  score?: ScoreSelector<T>
  /** Called after each generation is committed. */
  onCommit?: (committed: CommitWorkingFilesResult['committed'][number]) => void
  /** Called once per thing the watch will not do by itself (a committed generation changed on disk, a file that stays invalid). */
  onNotice?: (message: string) => void
}

/** The arguments of {@link watch}. */
export interface WatchCall<T> extends WatchOptions<T> {
  ctx: StoreContext<T>
  fs: StoreFs
}

/** What a file looked like the last time the watch saw it. */
interface Sighting {
  oid: string
  mtimeNs: bigint
  valid: boolean
}

/**
 * Runs beside an unchanged engine (the original Python PersonaStore) and commits each
 * `gen_<n>.json` as it appears, with its companion files, byte for byte (see
 * {@link commitWorkingFiles}). A file is committed only once it is complete: the writer's
 * `gen_<n>.json.lock` is released (Python's `filelock`), the content parses and passes the
 * schema, and it has not changed for `settleMs`. A half-written file is therefore never
 * committed, with a lock or without one (the first PersonaStore took none). A committed
 * generation that changes on disk is reported, never overwritten.
 *
 * @returns Every generation committed, in order, once `signal` aborts.
 *
 * @example
 * ```ts
 * const stop = new AbortController()
 * process.once('SIGINT', () => stop.abort())
 * await store.watch({ signal: stop.signal, onCommit: (c) => console.log(c.generation) })
 * ```
 */
export async function watch<T>(options: WatchCall<T>): Promise<number[]> {
  const { ctx, fs, signal } = options
  const interval = options.intervalMs ?? 250
  const settle = options.settleMs ?? 500
  const seen = new Map<number, Sighting>()
  const noticed = new Set<string>()
  const notice = (key: string, message: string) => {
    if (noticed.has(key)) return
    noticed.add(key)
    options.onNotice?.(message)
  }
  const committed: number[] = []
  while (!signal.aborted) {
    const report = await status({ ctx, fs })
    const pending = report.entries.filter((e) => e.kind === 'generation' && e.state === 'untracked').map((e) => e.generation!)
    for (const e of report.entries) {
      if (e.kind === 'generation' && e.state === 'modified') notice(`modified:${e.path}`, `${e.path} changed on disk after it was committed; not overwritten (${e.action})`)
    }
    for (const generation of pending.sort((a, b) => a - b)) {
      if (signal.aborted) break
      const ready = await isReady(ctx, fs, generation, seen, settle)
      if (!ready) continue
      try {
        const result = await commitWorkingFiles({ ctx, fs, generations: [generation], via: 'watch', ...(options.score === undefined ? {} : { score: options.score }) })
        for (const c of result.committed) {
          committed.push(c.generation)
          options.onCommit?.(c)
        }
        seen.delete(generation)
      } catch (err) {
        // Rewritten between our look and the commit: look again next round. Anything else is the user's to fix.
        if (!(err instanceof EvogitError)) throw err
        notice(`failed:${generation}:${err.code}`, `generation ${generation} not committed: ${err.message}`)
        seen.delete(generation)
      }
    }
    await sleep(interval, signal)
  }
  return committed
}

async function isReady<T>(ctx: StoreContext<T>, fs: StoreFs, generation: number, seen: Map<number, Sighting>, settle: number): Promise<boolean> {
  const file = generationFileName(generation)
  // The writer holds the lock for as long as it writes; a released lock file stays behind.
  if (await isFileLocked(`${ctx.dir}/${file}.lock`)) return false
  const snapshot = await snapshotFile(fs, ctx.dir, file)
  if (snapshot === null) return false
  let valid = true
  try {
    parseGenerationBytes(ctx, file, snapshot.bytes, generation)
  } catch {
    valid = false
  }
  const before = seen.get(generation)
  seen.set(generation, { oid: snapshot.oid, mtimeNs: snapshot.stat.mtimeNs, valid })
  const age = Date.now() - Number(snapshot.stat.mtimeNs / 1_000_000n)
  const stable = before !== undefined && before.oid === snapshot.oid && before.mtimeNs === snapshot.stat.mtimeNs
  return valid && stable && age >= settle && (await isFileLocked(`${ctx.dir}/${file}.lock`)) !== true
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
