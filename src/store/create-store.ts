import { EvogitError } from '../errors/index.js'
import type { StoreFs } from '../io/fs.js'
import { ancestry } from './ancestry.js'
import { archives } from './archives.js'
import { autoCompactor } from './auto-compact.js'
import { branch } from './branch.js'
import { branches } from './branches.js'
import { checkout } from './checkout.js'
import { commitWorkingFiles } from './commit-working-files.js'
import { compact } from './compact.js'
import { compactionDue } from './compaction-due.js'
import { compare } from './compare.js'
import type { StoreContext } from './context.js'
import { descendants } from './descendants.js'
import { diff } from './diff.js'
import { exportRows } from './export-rows.js'
import { currentBranch } from './history.js'
import { importGenerations } from './import-generations.js'
import { listGenerations } from './list-generations.js'
import { loadGeneration } from './load-generation.js'
import { loadMetadata } from './load-metadata.js'
import { log } from './log.js'
import { objectives } from './objectives-state.js'
import { origin } from './origin.js'
import { pareto } from './pareto.js'
import { pull } from './pull.js'
import { push } from './push.js'
import { report } from './report.js'
import { restoreArchive } from './restore-archive.js'
import { resume } from './resume.js'
import { rollback } from './rollback.js'
import { saveGeneration } from './save-generation.js'
import { setObjectives } from './set-objectives.js'
import { setRemote } from './set-remote.js'
import type { Store } from './store.js'
import { status } from './status.js'
import { tag } from './tag.js'
import { tags } from './tags.js'
import { verify } from './verify.js'
import { watch } from './watch.js'

/** Binds the per-file operations to one context, tagging every error with the operation that raised it. */
export function createStore<T, TIn>(ctx: StoreContext<T>, fs: StoreFs): Store<T, TIn> {
  const auto = ctx.autoCompact ? autoCompactor(ctx, ctx.autoCompact) : null
  const store = tagCallers<Omit<Store<T, TIn>, 'exportRows'>>({
    dir: ctx.dir,
    saveGeneration: async (generation, population, options = {}) => {
      const saved = await saveGeneration({ ...options, ctx, generation, population })
      auto?.afterSave()
      return saved
    },
    loadGeneration: (generation, options = {}) => loadGeneration({ ...options, ctx, generation }),
    listGenerations: (options = {}) => listGenerations({ ...options, ctx }),
    loadMetadata: (generation, options = {}) => loadMetadata({ ...options, ctx, generation }),
    importGenerations: (options) => importGenerations({ ...options, ctx, fs }),
    resume: (options = {}) => resume({ ...options, ctx }),
    currentBranch: () => currentBranch(ctx),
    branch: (name, options = {}) => branch({ ...options, ctx, name }),
    checkout: (name, options = {}) => checkout({ ...options, ctx, name }),
    branches: (options = {}) => branches({ ...options, ctx }),
    rollback: (generation, options = {}) => rollback({ ...options, ctx, generation }),
    archives: () => archives({ ctx }),
    restoreArchive: (archive, options = {}) => restoreArchive({ ...options, ctx, archive }),
    tag: (name, generation, options = {}) => tag({ ...options, ctx, name, generation }),
    tags: () => tags({ ctx }),
    log: (options = {}) => log({ ...options, ctx }),
    diff: (from, to, options = {}) => diff({ ...options, ctx, from, to }),
    setRemote: (name, url) => setRemote({ ctx, name, url }),
    push: (options = {}) => push({ ...options, ctx }),
    pull: (options = {}) => pull({ ...options, ctx }),
    compact: (options = {}) => compact({ ...options, ctx }),
    compaction: () => auto?.running() ?? Promise.resolve(null),
    compactionDue: () => compactionDue({ ctx }),
    verify: (options = {}) => verify({ ...options, ctx, fs }),
    ancestry: (id, options = {}) => ancestry({ ...options, ctx, id }),
    descendants: (id, options = {}) => descendants({ ...options, ctx, id }),
    origin: (id, options = {}) => origin({ ...options, ctx, id }),
    compare: (options = {}) => compare({ ...options, ctx }),
    report: (options = {}) => report({ ...options, ctx, fs }),
    objectives: (options = {}) => objectives({ ...options, ctx }),
    setObjectives: (options) => setObjectives({ ...options, ctx }),
    pareto: (generation, options = {}) => pareto({ ...options, ctx, generation }),
    status: () => status({ ctx, fs }),
    commitWorkingFiles: (options = {}) => commitWorkingFiles({ ...options, ctx, fs }),
    watch: (options) => watch({ ...options, ctx, fs }),
  })
  // A generator is not a promise: tag its errors as they surface during iteration.
  return { ...store, exportRows: (options = {}) => tagIteration('exportRows', exportRows({ ...options, ctx })) }
}

async function* tagIteration<R>(name: string, rows: AsyncIterable<R>): AsyncGenerator<R, void, undefined> {
  try {
    yield* rows
  } catch (err) {
    if (err instanceof EvogitError && err.caller === undefined) err.caller = name
    throw err
  }
}

/**
 * Wraps every method so that an {@link EvogitError} it throws names the public operation
 * (`err.caller === 'saveGeneration'`), as isomorphic-git does; errors raised deep inside a
 * shared helper would otherwise not say which call they came from.
 */
function tagCallers<S extends object>(store: S): S {
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') continue
    const method = value as (...args: unknown[]) => Promise<unknown>
    ;(store as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await method(...args)
      } catch (err) {
        if (err instanceof EvogitError && err.caller === undefined) err.caller = name
        throw err
      }
    }
  }
  return store
}
