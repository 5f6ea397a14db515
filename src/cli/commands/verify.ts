import type { Command } from 'commander'
import type { VerifyReport } from '../../index.js'
import { exitCodeFor } from '../exit-codes.js'
import { action, examples, type Cli } from '../runtime.js'
import { plural } from '../format/numbers.js'
import type { Style } from '../format/color.js'

/** `evogit verify`: re-read every generation on every branch, and look for crash leftovers. */
export function registerVerify(program: Command, cli: Cli): void {
  program
    .command('verify')
    .summary('re-read and validate every generation on every branch')
    .description(
      `Re-read every generation and sidecar on every branch, validate them (schema, sidecar format, sidecar against population), and look for leftovers of crashed writers (temp files, git .lock files, a working tree that lags its branch). Reports everything broken and exits ${exitCodeFor('corrupt')} when anything is. With --repair, first repairs what is safe to repair; it never deletes your data. For the git objects themselves, also run git fsck --strict.`,
    )
    .option('--repair', 'repair leftovers of crashed writers first (takes the write lock)')
    .addHelpText('after', examples('evogit verify', 'evogit verify --schema persona --json', 'evogit verify --repair'))
    .action(
      action<[], { repair?: boolean }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const progress = ctx.progress('verifying')
        let report: VerifyReport
        try {
          report = await store.verify({ repair: flags.repair === true, onProgress: (p) => progress.update(p.checked, p.total, p.branch) })
        } finally {
          progress.stop()
        }
        return {
          json: report,
          text: renderVerify({ report, style: ctx.style }),
          ...(report.ok ? {} : { exitCode: exitCodeFor('corrupt') }),
        }
      }),
    )
}

/** The verify report: a verdict line, then each problem, leftover and repair on its own line. */
export function renderVerify(options: { report: VerifyReport; style: Style }): string {
  const { report, style } = options
  const generations = report.branches.reduce((n, b) => n + b.generations, 0)
  const problems = report.branches.flatMap((b) => b.problems.map((p) => ({ ...p, branch: b.branch })))
  const objects = report.branches.flatMap((b) => b.objects.map((o) => ({ ...o, branch: b.branch })))
  const issues = problems.length + objects.length + report.leftovers.length
  const verdict = `${report.ok ? 'OK' : 'BROKEN'}: checked ${plural(generations, 'generation')} on ${plural(report.branches.length, 'branch', 'branches')}${report.ok ? '' : `, ${plural(issues, 'problem')}`}`
  const lines = [(report.ok ? style.green : style.red)(verdict)]
  for (const p of problems) lines.push(`  ${p.branch}:${p.generation}  ${p.code}  ${p.message}`)
  for (const o of objects) lines.push(`  ${o.branch}  ${o.code}  ${o.where}: ${o.message}`)
  for (const l of report.leftovers) lines.push(`  ${l.code}  ${l.path}  ${l.message}`)
  if (report.leftovers.length > 0) lines.push(style.dim('next: evogit verify --repair cleans up after crashed writers (it never deletes your data)'))
  for (const r of report.repaired) lines.push(`  repaired: ${r.action} ${r.path} (${r.reason})`)
  return lines.join('\n') + '\n'
}
