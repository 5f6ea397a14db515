import { EvogitError } from '../errors/index.js'
import type { ObjectProblem } from '../git/repository.js'
import { parseGenerationFileName, sidecarPath } from '../model/generation-id.js'
import type { StoreContext } from './context.js'
import { loadGeneration } from './load-generation.js'
import { loadMetadata } from './load-metadata.js'
import { repairStore, type LeftoverProblem, type RepairAction } from './repair.js'
import { status, type StatusEntry } from './status.js'
import type { StoreFs } from '../io/fs.js'

/** One thing wrong with a stored generation or sidecar. */
export interface VerifyProblem {
  /** The error code reading it raised (`E_CORRUPT_GENERATION`, `E_CORRUPT_OBJECT`, ...) or `E_SIDECAR_MISMATCH`. */
  code: string
  message: string
  generation: number
  /** The commit the file was read from (the branch tip). */
  commit: string
  file: string
}

/** What `verify` found on one branch. */
export interface BranchReport {
  branch: string
  /** The tip, or `null` for an unborn branch. */
  commit: string | null
  /** Generations read back and validated. */
  generations: number
  /** Sidecars read back and validated. */
  sidecars: number
  problems: VerifyProblem[]
  /**
   * Objects missing or damaged anywhere in the branch's history (every parent, every tree, every
   * blob's presence), and tree shapes at its tip that no checkout would write (`E_UNSAFE_TREE`:
   * `gen_<n>.json` as a directory, duplicate entries, `.evogit` as a link, submodules).
   */
  objects: ObjectProblem[]
}

/** The result of {@link verify}: a plain object, ready for `--json`. */
export interface VerifyReport {
  /** True when no branch has a problem and no leftover remains. */
  ok: boolean
  branches: BranchReport[]
  /** Leftovers of crashed writers that are still there (after repair, those it must not touch). */
  leftovers: LeftoverProblem[]
  /** What repair did (empty without `repair`). */
  repaired: RepairAction[]
  /**
   * The working directory as {@link status} sees it: uncommitted or modified generation files,
   * companion files, lock files. A committed generation modified or deleted on disk makes `ok` false.
   */
  warnings: StatusEntry[]
}

/** Progress of {@link verify}, once per generation checked. */
export interface VerifyProgress {
  branch: string
  checked: number
  total: number
}

/** Options of `store.verify`. */
export interface VerifyOptions {
  /** Repair leftovers of crashed writers first (under the write lock). Never deletes user data. */
  repair?: boolean
  onProgress?: (progress: VerifyProgress) => void
}

/** The arguments of {@link verify}: its options plus the store and the positional arguments. */
export interface VerifyCall extends VerifyOptions {
  ctx: StoreContext
  fs: StoreFs
}

/**
 * Re-reads and validates every generation and sidecar on every branch, and looks for leftovers
 * of crashed writers (temp files, git `.lock` files, a working tree or index that lags HEAD).
 * With `repair`, first repairs what is safe to repair (see `repairStore`). A file that fails
 * to read is reported with its commit and file; every other generation is still checked.
 *
 * @returns A plain report; `ok` is true when nothing is wrong.
 * @throws StoreLockedError when `repair` cannot take the write lock in time.
 *
 * @example
 * ```ts
 * const report = await store.verify({ repair: true })
 * if (!report.ok) console.log(report.branches.flatMap((b) => b.problems))
 * ```
 */
export async function verify(options: VerifyCall): Promise<VerifyReport> {
  const { ctx, repair = false, onProgress } = options
  let repaired: RepairAction[] = []
  let leftovers: LeftoverProblem[]
  if (repair) {
    const result = await ctx.lock.run(() => repairStore({ repo: ctx.repo }))
    repaired = result.actions
    leftovers = result.problems
  } else {
    // Temp files of a live writer are skipped by the dry run, so this is safe while one runs.
    leftovers = (await repairStore({ repo: ctx.repo, dryRun: true })).problems
  }

  const branches: BranchReport[] = []
  // Branches share most blobs; each distinct (population, sidecar) pair is validated once.
  const seen = new Map<string, Omit<VerifyProblem, 'commit'>[]>()
  const walk = ctx.repo.newHistoryWalk()
  for (const ref of await ctx.repo.refs.list('refs/heads/')) {
    const branch = ref.slice('refs/heads/'.length)
    const commit = await ctx.repo.refs.resolve(ref)
    const report: BranchReport = { branch, commit, generations: 0, sidecars: 0, problems: [], objects: [] }
    branches.push(report)
    if (!commit) continue
    report.objects = await ctx.repo.checkHistory(commit, walk)
    const tipCommit = await ctx.repo.readCommit(commit).catch(() => null)
    if (tipCommit === null) continue
    const tree = tipCommit.tree
    const files = (await ctx.repo.readTree(tree).catch(() => [])).filter((e) => e.mode !== '40000' && parseGenerationFileName(e.name) !== null)
    let checked = 0
    for (const entry of files) {
      const generation = parseGenerationFileName(entry.name)!
      const sidecar = await ctx.repo.entryAt(tree, sidecarPath(generation)).catch(() => null)
      const key = `${generation}:${entry.oid}:${sidecar?.oid ?? '-'}`
      let problems = seen.get(key)
      if (!problems) {
        problems = await checkGeneration(ctx, commit, generation, entry.name)
        seen.set(key, problems)
      }
      report.generations++
      if (sidecar) report.sidecars++
      for (const p of problems) report.problems.push({ ...p, commit })
      onProgress?.({ branch, checked: ++checked, total: files.length })
    }
  }
  const warnings = (await status({ ctx, fs: options.fs })).entries
  const edited = warnings.some((w) => w.kind === 'generation' && (w.state === 'modified' || w.state === 'deleted'))
  return { ok: !edited && leftovers.length === 0 && branches.every((b) => b.problems.length === 0 && b.objects.length === 0), branches, leftovers, repaired, warnings }
}

async function checkGeneration(ctx: StoreContext, commit: string, generation: number, file: string): Promise<Omit<VerifyProblem, 'commit'>[]> {
  const problems: Omit<VerifyProblem, 'commit'>[] = []
  const note = (err: unknown, where: string): void => {
    if (!(err instanceof EvogitError)) throw err
    problems.push({ code: err.code, message: err.message, generation, file: where })
  }
  let size: number | null = null
  try {
    size = (await loadGeneration({ ctx, generation, ref: commit })).length
  } catch (err) {
    note(err, file)
  }
  try {
    const sidecar = await loadMetadata({ ctx, generation, ref: commit })
    if (sidecar && sidecar.generation !== generation) {
      problems.push({ code: 'E_SIDECAR_MISMATCH', message: `${sidecarPath(generation)} in commit ${commit} describes generation ${sidecar.generation}`, generation, file: sidecarPath(generation) })
    } else if (sidecar && size !== null && sidecar.populationSize !== size) {
      problems.push({
        code: 'E_SIDECAR_MISMATCH',
        message: `${sidecarPath(generation)} in commit ${commit} records ${sidecar.populationSize} individuals, ${file} has ${size}`,
        generation,
        file: sidecarPath(generation),
      })
    }
  } catch (err) {
    note(err, sidecarPath(generation))
  }
  return problems
}
