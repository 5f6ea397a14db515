/**
 * The performance benchmark (`npm run bench`). Every target is a ratio between a figure and a
 * baseline measured in the same run on the same machine, so results from different machines
 * stay comparable. Prints a table and writes the results as JSON under `bench/results/`.
 *
 * Options: `--quick` (alias `--smoke`: a tiny configuration, seconds), `--breakdown` (where a
 * save's time goes, phase by phase), `--only <name,…>` (run some targets), `--out <file>` (where
 * to write the JSON), `--quiet` (no progress lines).
 *
 * Each target lives in `bench/targets/<name>.ts` and is registered in {@link TARGETS}.
 */
import { cpus, hostname, loadavg, tmpdir } from 'node:os'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FULL, QUICK, type BenchConfig } from './config.js'
import { dirMaker, type BenchTarget } from './context.js'
import { execFile, gitEnv } from './measure.js'
import { formatTable, type BenchResults, type TargetResult } from './report.js'
import { cliTarget } from './targets/cli.js'
import { compareTarget, lineageTarget, paretoTarget, reportTarget, serveTarget } from './targets/features.js'
import { historyTarget } from './targets/history.js'
import { loadTarget } from './targets/load.js'
import { memoryTarget } from './targets/memory.js'
import { saveTarget } from './targets/save.js'

export { FULL, QUICK, type BenchConfig } from './config.js'
export { formatTable, type BenchResults, type TargetResult } from './report.js'
/** @deprecated the old name of {@link QUICK}. */
export const SMOKE = QUICK

/** Every target, in the order they run. To add one: write bench/targets/<name>.ts and list it here. */
export const TARGETS: readonly BenchTarget[] = [saveTarget, historyTarget, loadTarget, memoryTarget, cliTarget, compareTarget, reportTarget, paretoTarget, serveTarget, lineageTarget]

async function gitVersion(): Promise<string | null> {
  try {
    return (await execFile('git', ['--version'])).stdout.trim()
  } catch {
    return null
  }
}

/** Options of {@link runBench} besides the configuration. */
export interface RunOptions {
  log?: (line: string) => void
  breakdown?: boolean
  /** Target names to run (default all). */
  only?: readonly string[]
}

/** Runs every target of `config` in temp directories (removed afterwards) and returns the results. */
export async function runBench(config: BenchConfig, options: RunOptions = {}): Promise<BenchResults> {
  const started = Date.now()
  const root = await mkdtemp(join(tmpdir(), 'evogit-bench-'))
  const targets: TargetResult[] = []
  const results: BenchResults = {
    config,
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, git: await gitVersion(), platform: `${process.platform} ${process.arch}`, hostname: hostname(), loadAverage: loadavg() },
    startedAt: new Date(started).toISOString(),
    seconds: 0,
    targets,
    extra: {},
  }
  try {
    const ctx = {
      config,
      env: gitEnv(root),
      log: options.log ?? (() => undefined),
      add: (...rows: TargetResult[]) => void targets.push(...rows),
      extra: results.extra,
      breakdown: options.breakdown ?? false,
      setBreakdown: (phases: Record<string, number>) => void (results.breakdown = phases),
    }
    // Each group's wall time, so the 8-minute budget of the whole bench can be traced to its parts.
    for (const t of TARGETS) {
      if (options.only && !options.only.includes(t.name)) continue
      const begun = Date.now()
      const own = join(root, t.name)
      await t.run({ ...ctx, dir: dirMaker(own) })
      // The next group starts on a quiet disk: the gigabytes a group writes are still being
      // written back when it ends (/proc/pressure/io stood at 15% after the history group), and
      // every group after it fsyncs. (Serve's slow saves in whole runs turned out to be the VM's
      // noise, not this: alone they range as widely.)
      await rm(own, { recursive: true, force: true })
      await settleDisk()
      const seconds = (Date.now() - begun) / 1000
      results.extra[`seconds.${t.name}`] = seconds
      ctx.log(`${t.name}: ${seconds.toFixed(1)} s`)
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
  results.seconds = (Date.now() - started) / 1000
  results.machine.loadAverage = loadavg()
  return results
}

/** Waits until the kernel has written back every dirty page (`sync`), where the machine has it. */
async function settleDisk(): Promise<void> {
  await execFile('sync', []).catch(() => undefined)
}

const here = dirname(fileURLToPath(import.meta.url))

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const config = args.includes('--quick') || args.includes('--smoke') ? QUICK : FULL
  const value = (flag: string) => {
    const i = args.indexOf(flag)
    return i >= 0 ? args[i + 1] : undefined
  }
  const out = value('--out')
  const only = value('--only')?.split(',')
  const quiet = args.includes('--quiet')
  const results = await runBench(config, { breakdown: args.includes('--breakdown'), ...(only ? { only } : {}), ...(quiet ? {} : { log: (line: string) => console.error(`… ${line}`) }) })
  const path = out ? resolve(out) : join(here, '..', '..', 'bench', 'results', `${results.startedAt.replace(/[:.]/g, '-')}-${config.name}${only ? '-partial' : ''}.json`)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`)
  console.log(formatTable(results))
  console.log(`results: ${path}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
