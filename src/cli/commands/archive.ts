import type { Command } from 'commander'
import type { ArchivedTip } from '../../index.js'
import { action, examples, type Cli } from '../runtime.js'
import type { Style } from '../format/color.js'
import { shortCommit } from '../format/numbers.js'
import { relativeTime } from '../format/relative-time.js'
import { renderTable } from '../format/table.js'

/** `evogit archive [list]` and `evogit archive restore <id>`: the tips rollbacks set aside. */
export function registerArchive(program: Command, cli: Cli): void {
  const archive = program
    .command('archive')
    .summary('list or restore the tips that rollbacks set aside')
    .description('Every rollback keeps the tip it moved away from under refs/evogit/archive/. "evogit archive" lists them; "evogit archive restore <id>" puts one back on its branch (or --as a new branch).')
    .addHelpText('after', examples('evogit archive', 'evogit archive restore main/20260101T000000Z', 'evogit archive restore main/20260101T000000Z --as before-rollback'))

  archive
    .command('list', { isDefault: true })
    .description('List the archived tips, newest first.')
    .addHelpText('after', examples('evogit archive list --json'))
    .action(
      action<[], Record<string, never>>(cli, async (ctx) => {
        const store = await ctx.open()
        const archives = await store.archives()
        return { json: { archives }, text: renderArchives({ archives, style: ctx.style, now: ctx.now }) }
      }),
    )

  archive
    .command('restore')
    .description('Restore an archived tip: its branch moves back to it (the tip it replaces is archived in turn), or --as creates a new branch there.')
    .argument('<id>', 'the archive id (branch/timestamp) or its full ref')
    .option('--as <branch>', 'restore as a new branch instead')
    .option('-f, --force', 'overwrite uncommitted edits in the store directory')
    .addHelpText('after', examples('evogit archive restore main/20260101T000000Z', 'evogit archive restore main/20260101T000000Z --as before-rollback'))
    .action(
      action<[string], { as?: string; force?: boolean }>(cli, async (ctx, [id], flags) => {
        const store = await ctx.open()
        const result = await store.restoreArchive(id, { ...(flags.as === undefined ? {} : { as: flags.as }), force: flags.force === true })
        let text = `Restored ${id} as branch ${result.branch} (${shortCommit(result.commit)})`
        if (result.archived) text += `; the tip it replaced is archived as ${result.archived.id}`
        return { json: result, text }
      }),
    )
}

/** The archive listing, newest first. */
export function renderArchives(options: { archives: readonly ArchivedTip[]; style: Style; now: Date }): string {
  const { archives, style, now } = options
  if (archives.length === 0) return 'no archived tips (rollback archives the tip it moves away from)\n'
  return renderTable({
    columns: [{ header: 'id' }, { header: 'branch' }, { header: 'latest', align: 'right' }, { header: 'archived' }, { header: 'commit' }],
    rows: archives.map((a) => [a.id, a.branch, a.latestGeneration === null ? '—' : String(a.latestGeneration), relativeTime({ time: a.archivedAt, now }), style.dim(shortCommit(a.commit))]),
    header: style.bold,
  })
}
