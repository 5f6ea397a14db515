import { ioError, type StoreFs } from '../io/fs.js'
import { isFileLocked } from '../io/flock.js'
import { parseGenerationFileName } from '../model/generation-id.js'
import type { StoreContext } from './context.js'
import { GENERATION_STATS_FILE, parseTranscriptFileName } from './working-files.js'

/** One file in the store directory that git or evogit does not account for. */
export interface StatusEntry {
  /** Relative to the store directory. */
  path: string
  /** A generation file, a companion file of the original engine, a lock file, or an evogit temp file. */
  kind: 'generation' | 'companion' | 'lock' | 'temp'
  /**
   * - `untracked`: on disk, not committed on this branch;
   * - `modified`: committed, and the file on disk differs;
   * - `deleted`: committed, and missing on disk;
   * - `held`: a lock some process holds right now;
   * - `released`: a lock file nobody holds (the original store's filelock leaves them behind).
   */
  state: 'untracked' | 'modified' | 'deleted' | 'held' | 'released'
  /** The generation the file belongs to, when it belongs to one. */
  generation?: number
  /** What to do about it, as a command where there is one. */
  action: string
}

/** The result of {@link status}: a plain object, ready for `--json`. */
export interface StatusReport {
  /** The checked-out branch (`null` when HEAD is detached). */
  branch: string | null
  /** Generations committed on the branch. */
  committed: number[]
  /** True when no generation or companion file needs committing and no writer is busy. */
  clean: boolean
  entries: StatusEntry[]
}

/** The arguments of {@link status}. */
export interface StatusOptions {
  ctx: StoreContext
  fs: StoreFs
}

const LOCK_FILE = /^(gen_(0|[1-9][0-9]*)\.json)\.lock$/
const TEMP_FILE = /\.evogit-tmp$/

/**
 * What in the store directory is not committed: generation files another program wrote or
 * changed, the original engine's companion files (`transcripts_gen_<n>.json`,
 * `generation_stats.jsonl`), lock files and evogit's own temp files, each with what to do.
 * Reads only; takes no lock.
 *
 * @example
 * ```ts
 * const { clean, entries } = await store.status()
 * for (const e of entries) console.log(e.path, e.state, e.action)
 * ```
 */
export async function status(options: StatusOptions): Promise<StatusReport> {
  const { ctx, fs } = options
  const repo = ctx.repo
  const head = await repo.refs.head()
  const tree = head.oid ? (await repo.readTree((await repo.readCommit(head.oid)).tree)).filter((e) => e.mode !== '40000') : []
  const committedOid = new Map(tree.map((e) => [e.name, e.oid]))
  let names: string[]
  try {
    names = await fs.readdir(ctx.dir)
  } catch (err) {
    throw ioError(err, ctx.dir, 'list')
  }
  const entries: StatusEntry[] = []
  const onDisk = new Set(names)
  const committed: number[] = []
  for (const name of names.sort(byGeneration)) {
    const generation = parseGenerationFileName(name)
    const transcript = parseTranscriptFileName(name)
    const lock = LOCK_FILE.exec(name)
    if (generation !== null || transcript !== null || name === GENERATION_STATS_FILE) {
      const kind = generation !== null ? 'generation' : 'companion'
      const n = generation ?? transcript ?? undefined
      const oid = await repo.hashWorkingFile(name)
      if (oid === null) continue // a directory or a special file: not ours to judge
      const was = committedOid.get(name)
      if (was === oid) continue
      const state = was === undefined ? 'untracked' : 'modified'
      entries.push({ path: name, kind, state, ...(n === undefined ? {} : { generation: n }), action: actionFor(kind, state, name, n) })
    } else if (lock) {
      const held = await isFileLocked(`${ctx.dir}/${name}`)
      const n = parseGenerationFileName(lock[1]!) ?? undefined
      entries.push({
        path: name,
        kind: 'lock',
        state: held ? 'held' : 'released',
        ...(n === undefined ? {} : { generation: n }),
        action: held
          ? `the Python engine is writing ${lock[1]!}; wait for it (evogit watch does)`
          : `left behind by the original store's filelock; harmless, and kept out of git status by .git/info/exclude (delete it when no engine runs)`,
      })
    } else if (TEMP_FILE.test(name)) {
      entries.push({ path: name, kind: 'temp', state: 'untracked', action: 'left by an interrupted evogit write; evogit verify --repair cleans it up' })
    }
  }
  for (const e of tree) {
    const generation = parseGenerationFileName(e.name)
    if (generation !== null) committed.push(generation)
    if (!onDisk.has(e.name) && (generation !== null || parseTranscriptFileName(e.name) !== null || e.name === GENERATION_STATS_FILE)) {
      entries.push({
        path: e.name,
        kind: generation !== null ? 'generation' : 'companion',
        state: 'deleted',
        ...(generation === null ? {} : { generation }),
        action: `committed but missing on disk; git checkout -- ${e.name} restores it (its history is intact)`,
      })
    }
  }
  committed.sort((a, b) => a - b)
  const branch = head.ref ? head.ref.replace(/^refs\/heads\//, '') : null
  return { branch, committed, clean: entries.every((e) => e.state === 'released'), entries }
}

function actionFor(kind: 'generation' | 'companion', state: 'untracked' | 'modified', name: string, generation: number | undefined): string {
  if (kind === 'generation') {
    return state === 'untracked'
      ? `not committed; evogit add ${generation!} commits it as it is (evogit watch does so as they appear)`
      : `differs from the committed generation ${generation!}; evogit add ${generation!} --overwrite commits it (the old version stays in history), git checkout -- ${name} discards the change`
  }
  if (generation !== undefined) return `committed with generation ${generation} by evogit add ${generation}`
  return 'committed as it is with the next generation evogit add or watch commits'
}

/** Generation-numbered names in numeric order, then the rest by name. */
function byGeneration(a: string, b: string): number {
  const na = /_(\d+)\.json/.exec(a)?.[1]
  const nb = /_(\d+)\.json/.exec(b)?.[1]
  if (na !== undefined && nb !== undefined && na !== nb) return Number(na) - Number(nb)
  return a < b ? -1 : a > b ? 1 : 0
}
