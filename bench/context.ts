/** What every bench target receives, and the one shape a target has. */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchConfig } from './config.js'
import type { BenchResults, TargetResult } from './report.js'

/** The run a target takes part in. */
export interface BenchContext {
  config: BenchConfig
  /** Environment for native git that ignores the user's configuration. */
  env: NodeJS.ProcessEnv
  /** Progress lines (stderr), unless `--quiet`. */
  log(line: string): void
  /** Adds rows to the table. */
  add(...targets: TargetResult[]): void
  /** Figures that explain the targets. */
  extra: BenchResults['extra']
  /** Set with `--breakdown`: measure where a save's time goes. */
  breakdown: boolean
  /** Records the per-phase breakdown. */
  setBreakdown(phases: Record<string, number>): void
  /** A new empty directory for this target, removed with the run. */
  dir(name: string): Promise<string>
}

/**
 * One group of measurements. A target builds what it needs in its own directories, so targets
 * are independent and registering one in `run.ts` is a single line.
 */
export interface BenchTarget {
  name: string
  run(ctx: BenchContext): Promise<void>
}

/** Makes `root/name` (numbered when taken) for {@link BenchContext.dir}. */
export function dirMaker(root: string): (name: string) => Promise<string> {
  const used = new Map<string, number>()
  return async (name) => {
    const n = used.get(name) ?? 0
    used.set(name, n + 1)
    const dir = join(root, n === 0 ? name : `${name}-${n}`)
    await mkdir(dir, { recursive: true })
    return dir
  }
}
