import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { positiveIntegerArgument } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'

/** `evogit report`: one offline HTML file with every view of the run, or its data model as JSON. */
export function registerReport(program: Command, cli: Cli): void {
  program
    .command('report')
    .summary('write one offline HTML report of the run (charts, tree, tables)')
    .description(
      'Write one self-contained HTML file: score trajectories per objective and branch, the branch tree with settings changes, a comparison table, Pareto fronts with hypervolume, lineage of the best individuals, population diversity (sampled) and a table of generations. Charts are SVG drawn when the file is written; the page loads nothing from anywhere and opens from disk. With --json, print the report\'s data model instead.',
    )
    .option('--ref <ref...>', 'branches, tags or commits to include (repeatable; default: every branch)')
    .option('-o, --output <file>', 'where to write the HTML', 'evogit-report.html')
    .option('--open', 'open the written file in the default browser ($BROWSER, else xdg-open / open / start)')
    .option('--samples <count>', 'generations per branch whose populations are read for the diversity view', positiveIntegerArgument)
    .addHelpText('after', examples('evogit report', 'evogit report --ref main --ref high-mutation -o runs.html --open', 'evogit report --json | jq .trajectories.data.objectives'))
    .action(
      action<[], { ref?: string[]; output: string; open?: boolean; samples?: number }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const common = { ...(flags.ref ? { refs: flags.ref } : {}), ...(flags.samples === undefined ? {} : { diversitySamples: flags.samples }) }
        if (ctx.globals.json) {
          const { model } = await store.report({ ...common, html: false })
          return { json: model, text: '' }
        }
        const { path, bytes, model } = await store.report({ ...common, output: resolve(ctx.io.cwd, flags.output) })
        const missing = (['trajectories', 'branchTree', 'comparison', 'pareto', 'lineage', 'diversity', 'generations'] as const).filter((v) => !model[v].available)
        let notice = missing.length === 0 ? undefined : `not in this report (no data): ${missing.join(', ')}`
        if (flags.open && path) {
          const opened = await openInBrowser(path, ctx.io.env)
          if (!opened) notice = [notice, `could not open a browser; open ${path} yourself`].filter(Boolean).join('\n')
        }
        return { json: { path, bytes }, text: `wrote ${path} (${(bytes / 1024).toFixed(0)} KiB, ${model.store.refs.length} ${model.store.refs.length === 1 ? 'ref' : 'refs'})`, ...(notice ? { notice } : {}) }
      }),
    )
}

/** Starts the user's browser on `path` without waiting for it; `false` when none could be started. */
function openInBrowser(path: string, env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  const [command, ...args] = env['BROWSER']
    ? [env['BROWSER'], path]
    : process.platform === 'darwin'
      ? ['open', path]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '""', path]
        : ['xdg-open', path]
  return new Promise((done) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' })
    child.once('error', () => done(false))
    child.once('spawn', () => {
      child.unref()
      done(true)
    })
  })
}
