import type { Command } from 'commander'
import { InvalidArgumentError } from '../../errors/index.js'
import type { BranchSummary } from '../../index.js'
import { fromArgument } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import type { Style } from '../format/color.js'
import { formatScore, shortCommit } from '../format/numbers.js'
import { renderTable } from '../format/table.js'

/** `evogit branch [name]`: list branches, or create one. */
export function registerBranch(program: Command, cli: Cli): void {
  program
    .command('branch')
    .summary('list the branches, or create one')
    .description('Without a name, list the branches: latest generation, best score and where each forked. With a name, create a branch at the tip of the current branch, or --from a generation (N or ref:N), branch, tag or commit.')
    .argument('[name]', 'the new branch')
    .option('--from <N|ref:N|ref>', 'where the branch starts (default: the current branch\'s tip)', fromArgument)
    .option('-c, --checkout', 'switch to the new branch')
    .addHelpText('after', examples('evogit branch', 'evogit branch high-mutation --from 3 --checkout', 'evogit branch retry --from main:7'))
    .action(
      action<[string | undefined], { from?: ReturnType<typeof fromArgument>; checkout?: boolean }>(cli, async (ctx, [name], flags) => {
        const store = await ctx.open()
        if (name === undefined) {
          if (flags.from !== undefined || flags.checkout) {
            throw new InvalidArgumentError('--from and --checkout need the name of the branch to create', { parameter: 'name', expected: 'a branch name', received: 'nothing' })
          }
          const branches = await store.branches()
          return { json: { branches }, text: renderBranches({ branches, style: ctx.style }) }
        }
        const created = await store.branch(name, { ...(flags.from === undefined ? {} : { from: flags.from }), checkout: flags.checkout === true })
        const at = created.latestGeneration === null ? 'no generations yet' : `generation ${created.latestGeneration}`
        const text = `Created branch ${created.name} at ${at} (${shortCommit(created.commit)})${flags.checkout ? ' and switched to it' : `; evogit checkout ${created.name} switches to it`}`
        return { json: created, text }
      }),
    )
}

/** The branch listing: `*` marks the current branch, as in `git branch`. */
export function renderBranches(options: { branches: readonly BranchSummary[]; style: Style }): string {
  const { branches, style } = options
  if (branches.length === 0) return 'no branches yet (nothing saved)\n'
  return renderTable({
    columns: [{ header: '' }, { header: 'branch' }, { header: 'latest', align: 'right' }, { header: 'best', align: 'right' }, { header: 'forked from' }, { header: 'commit' }],
    rows: branches.map((b) => [
      b.current ? style.green('*') : '',
      b.current ? style.green(b.name) : b.name,
      b.latestGeneration === null ? '—' : String(b.latestGeneration),
      formatScore(b.bestScore),
      b.forkedFrom === null ? '—' : `${b.forkedFrom.branch}${b.forkedFrom.generation === null ? '' : `:${b.forkedFrom.generation}`}`,
      style.dim(shortCommit(b.commit)),
    ]),
    header: style.bold,
  })
}
