import type { Command } from 'commander'
import { EvogitError } from '../../errors/index.js'
import { exitCodeFor } from '../exit-codes.js'
import type { CliStore } from '../runtime.js'
import type { Progress } from '../progress.js'
import { action, examples, type Cli } from '../runtime.js'
import { plural } from '../format/numbers.js'

/** One thing `verify` found broken. */
export interface VerifyProblem {
  branch: string
  generation: number | null
  code: string
  message: string
}

/** What `evogit verify` reports. */
export interface VerifyReport {
  ok: boolean
  branches: { name: string; generations: number }[]
  checked: number
  problems: VerifyProblem[]
}

/** `evogit verify`: re-read every generation on every branch. */
export function registerVerify(program: Command, cli: Cli): void {
  program
    .command('verify')
    .summary('re-read and validate every generation on every branch')
    .description(`Re-read every generation on every branch: parse and validate gen_<n>.json against the schema and the sidecar against its format, and report anything broken. Exits ${exitCodeFor('corrupt')} when something is. For the git objects themselves, also run git fsck --strict.`)
    .addHelpText('after', examples('evogit verify', 'evogit verify --schema persona --json'))
    .action(
      action<[], Record<string, never>>(cli, async (ctx) => {
        const store = await ctx.open()
        const progress = ctx.progress('verifying')
        let report: VerifyReport
        try {
          report = await verifyStore(store, progress)
        } finally {
          progress.stop()
        }
        const lines = [
          `${report.ok ? 'OK' : 'BROKEN'}: checked ${plural(report.checked, 'generation')} on ${plural(report.branches.length, 'branch', 'branches')}` +
            (report.ok ? '' : `, ${plural(report.problems.length, 'problem')}`),
        ]
        for (const p of report.problems) lines.push(`  ${p.branch}${p.generation === null ? '' : `:${p.generation}`}  ${p.code}  ${p.message}`)
        return {
          json: report,
          text: (report.ok ? ctx.style.green : ctx.style.red)(lines[0]!) + (lines.length > 1 ? `\n${lines.slice(1).join('\n')}` : ''),
          ...(report.ok ? {} : { exitCode: exitCodeFor('corrupt') }),
        }
      }),
    )
}

// Built on the read operations over branches(): every generation's population and sidecar go
// through the same validation as a normal load, so anything a run would trip over shows here.
async function verifyStore(store: CliStore, progress: Progress): Promise<VerifyReport> {
  const problems: VerifyProblem[] = []
  const record = (branch: string, generation: number | null, err: unknown) => {
    if (err instanceof EvogitError) problems.push({ branch, generation, code: err.code, message: err.message })
    else throw err
  }
  const plan: { name: string; ids: number[] }[] = []
  for (const b of await store.branches()) {
    try {
      plan.push({ name: b.name, ids: await store.listGenerations({ ref: b.name }) })
    } catch (err) {
      record(b.name, null, err)
      plan.push({ name: b.name, ids: [] })
    }
  }
  const total = plan.reduce((n, b) => n + b.ids.length, 0)
  let checked = 0
  for (const { name, ids } of plan) {
    for (const generation of ids) {
      try {
        const population = await store.loadGeneration(generation, { ref: name })
        const sidecar = await store.loadMetadata(generation, { ref: name })
        if (sidecar !== null && sidecar.generation !== generation) {
          problems.push({ branch: name, generation, code: 'E_CORRUPT_GENERATION', message: `the sidecar of generation ${generation} says it belongs to generation ${sidecar.generation}` })
        }
        if (sidecar !== null && sidecar.populationSize !== population.length) {
          problems.push({ branch: name, generation, code: 'E_CORRUPT_GENERATION', message: `gen_${generation}.json holds ${population.length} individuals but its sidecar records ${sidecar.populationSize}` })
        }
      } catch (err) {
        record(name, generation, err)
      }
      checked++
      progress.update(checked, total, `${name}:${generation}`)
    }
  }
  return { ok: problems.length === 0, branches: plan.map((b) => ({ name: b.name, generations: b.ids.length })), checked, problems }
}
