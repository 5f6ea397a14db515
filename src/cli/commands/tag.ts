import type { Command } from 'commander'
import type { GenerationSpec, TagSummary } from '../../index.js'
import { generationSpecArgument } from '../input.js'
import { action, examples, type Cli } from '../runtime.js'
import type { Style } from '../format/color.js'
import { shortCommit } from '../format/numbers.js'
import { renderTable } from '../format/table.js'

/** `evogit tag <name> <n>` and `evogit tags`. */
export function registerTag(program: Command, cli: Cli): void {
  program
    .command('tag')
    .summary('name a generation with an annotated tag')
    .description('Create an annotated git tag on the commit that saved a generation (N on the current branch, or ref:N).')
    .argument('<name>', 'the tag name')
    .argument('<n>', 'the generation: N or ref:N', generationSpecArgument)
    .option('-m, --message <text>', 'the tag message')
    .addHelpText('after', examples('evogit tag best-so-far 12 -m "first run above 0.9"', 'evogit tag exp-peak high-mutation:7'))
    .action(
      action<[string, GenerationSpec], { message?: string }>(cli, async (ctx, [name, generation], flags) => {
        const store = await ctx.open()
        const tag = await store.tag(name, generation, flags.message === undefined ? {} : { message: flags.message })
        const at = tag.generation === null ? '' : ` generation ${tag.generation}`
        return { json: tag, text: `Tagged${at} (${shortCommit(tag.commit)}) as ${tag.name}` }
      }),
    )

  program
    .command('tags')
    .summary('list the tags')
    .description('List the tags with the generation each names.')
    .addHelpText('after', examples('evogit tags', 'evogit tags --json'))
    .action(
      action<[], Record<string, never>>(cli, async (ctx) => {
        const store = await ctx.open()
        const tags = await store.tags()
        return { json: { tags }, text: renderTags({ tags, style: ctx.style }) }
      }),
    )
}

/** The tag listing. */
export function renderTags(options: { tags: readonly TagSummary[]; style: Style }): string {
  const { tags, style } = options
  if (tags.length === 0) return 'no tags yet (evogit tag <name> <n> adds one)\n'
  return renderTable({
    columns: [{ header: 'tag' }, { header: 'gen', align: 'right' }, { header: 'commit' }, { header: 'message' }],
    rows: tags.map((t) => [t.name, t.generation === null ? '—' : String(t.generation), style.dim(shortCommit(t.commit)), t.message.split('\n')[0] ?? '']),
    header: style.bold,
  })
}
