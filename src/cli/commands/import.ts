import type { Command } from 'commander'
import { action, examples, refLabel, type Cli } from '../runtime.js'
import { plural } from '../format/numbers.js'
import { describeIds } from '../../model/id-ranges.js'

/** `evogit import <dir>`: bring a PersonaStore directory into the store, one commit per generation. */
export function registerImport(program: Command, cli: Cli): void {
  program
    .command('import')
    .summary('import gen_*.json files written by the original PersonaStore')
    .description('Bring a directory of gen_*.json files written by the original Python PersonaStore into the store at --dir (created if needed): one commit per generation, in ascending order, each validated by the schema and committed byte for byte as the original wrote it, with its transcripts_gen_<n>.json. Each generation is all or nothing; generations already there with the same content are skipped, so an interrupted import can simply be re-run.')
    .argument('<dir>', 'the directory holding gen_*.json files')
    .option('--overwrite', 'replace generations the branch already has with different content')
    .addHelpText('after', examples('evogit import old_persona_data --dir runs/persona', 'EVOGIT_DIR=runs/persona evogit import ../persona_data --schema persona'))
    .action(
      action<[string], { overwrite?: boolean }>(cli, async (ctx, [from], flags) => {
        const store = await ctx.open({ create: true })
        const progress = ctx.progress('importing')
        let result
        try {
          result = await store.importGenerations({
            from,
            overwrite: flags.overwrite === true,
            onProgress: (p) => progress.update(p.done, p.total, `generation ${p.generation}`),
          })
        } finally {
          progress.stop()
        }
        const branch = await refLabel(store, undefined)
        const ids = result.imported.map((i) => i.generation)
        const lines = [
          ids.length === 0
            ? `Imported nothing into ${store.dir} (${branch})`
            : `Imported ${plural(ids.length, 'generation')} into ${store.dir} (${branch}): ${describeIds(ids)}`,
        ]
        if (result.unchanged.length > 0) lines.push(`${plural(result.unchanged.length, 'generation')} already there with the same content: ${describeIds(result.unchanged)}`)
        if (result.skipped.length > 0) lines.push(`skipped (not strictly gen_<n>.json): ${result.skipped.join(', ')}`)
        return { json: { dir: store.dir, branch, ...result }, text: lines.join('\n') }
      }),
    )
}
