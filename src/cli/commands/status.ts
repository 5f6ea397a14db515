import type { Command } from 'commander'
import { describeIds } from '../../model/id-ranges.js'
import { action, examples, type Cli } from '../runtime.js'

/** `evogit status`: what in the store directory is not committed, and what to do about it. */
export function registerStatus(program: Command, cli: Cli): void {
  program
    .command('status')
    .summary('list uncommitted gen files, companion files and locks, with what to do')
    .description(
      'List what in the store directory is not committed on the current branch: gen_<n>.json files another program (the Python engine) wrote or changed, the original engine\'s companion files (transcripts_gen_<n>.json, generation_stats.jsonl), its gen_<n>.json.lock files, and evogit temp files, each with what to do about it.',
    )
    .addHelpText('after', examples('evogit status', 'evogit status --json'))
    .action(
      action<[], Record<string, never>>(cli, async (ctx) => {
        const store = await ctx.open()
        const report = await store.status()
        const head = `On ${report.branch ?? 'a detached HEAD'}: ${report.committed.length} committed (${describeIds(report.committed)})`
        const lines = [report.clean ? `${head}; nothing to commit` : head]
        for (const e of report.entries) lines.push(`  ${e.state.padEnd(9)} ${e.path}`, `            ${ctx.style.dim(e.action)}`)
        return { json: report, text: lines.join('\n') }
      }),
    )
}
