import { InvalidArgumentError as CommanderArgumentError, Option, type Command } from 'commander'
import { GenerationNotFoundError } from '../../errors/index.js'
import { bestIndex } from '../../model/best.js'
import type { LineageId } from '../../model/lineage.js'
import { renderLineageDot, renderLineageMermaid, renderLineageText, LINEAGE_FORMATS, type LineageFormat } from '../format/lineage.js'
import { generationArgument } from '../input.js'
import { action, examples, refLabel, type Cli, type CliStore } from '../runtime.js'
import { requireGeneration } from './shared.js'

interface LineageFlags {
  generation?: number
  ref?: string
  depth?: number
  descendants?: boolean
  format: LineageFormat
}

/**
 * `evogit lineage [id]`: the ancestors (or descendants) of an individual, as a tree, JSON, DOT or
 * Mermaid. Without an id, the best individual of the generation (by default the latest).
 */
export function registerLineage(program: Command, cli: Cli): void {
  program
    .command('lineage')
    .summary('where an individual came from: its ancestors (or descendants)')
    .description(
      'Print the ancestors of an individual, as recorded with saveGeneration(n, pop, { lineage }): each with its generation, score and the operator that made it, across branch forks and migrants. Without <id>, the best individual of --generation (default: the latest).',
    )
    .argument('[id]', 'the individual\'s id (default: the best of the generation)')
    .option('--generation <n>', 'the generation it is in (default: the latest that has it)', generationArgument)
    .option('--ref <ref>', 'a branch, tag or commit instead of the current branch')
    .option('--depth <d>', 'how many generations to follow (default: all)', depthArgument)
    .option('--descendants', 'its descendants instead of its ancestors')
    .addOption(new Option('--format <format>', 'output format').choices(LINEAGE_FORMATS).default('text'))
    .addHelpText(
      'after',
      examples('evogit lineage', "evogit lineage 'Lena #139' --depth 3", 'evogit lineage --generation 0 --descendants --depth 1', 'evogit lineage --format dot | dot -Tsvg > lineage.svg', 'evogit lineage --format mermaid'),
    )
    .action(
      action<[string | undefined], LineageFlags>(cli, async (ctx, [given], flags) => {
        const store = await ctx.open()
        const read = flags.ref === undefined ? {} : { ref: flags.ref }
        const id: LineageId = given ?? (await bestOf(store, flags.generation, flags.ref))
        const query = { ...read, ...(flags.generation === undefined ? {} : { generation: flags.generation }), ...(flags.depth === undefined ? {} : { depth: flags.depth }) }
        const graph = flags.descendants ? await store.descendants(id, query) : await store.ancestry(id, query)
        const text =
          flags.format === 'json'
            ? JSON.stringify(graph, null, 2)
            : flags.format === 'dot'
              ? renderLineageDot(graph)
              : flags.format === 'mermaid'
                ? renderLineageMermaid(graph)
                : renderLineageText({ graph, style: ctx.style })
        return { json: graph, text }
      }),
    )
}

/** The id of the best individual of a generation (the latest by default). */
async function bestOf(store: CliStore, generation: number | undefined, ref: string | undefined): Promise<LineageId> {
  const read = ref === undefined ? {} : { ref }
  const g = generation ?? (await store.listGenerations(read)).at(-1)
  const label = await refLabel(store, ref)
  if (g === undefined) throw new GenerationNotFoundError(`${label} has no generations yet`, { generation: 0, ref: label })
  await requireGeneration(store, g, ref, label)
  const sidecar = await store.loadMetadata(g, read)
  const index = sidecar ? bestIndex(sidecar.scores, { primary: sidecar.primary, ...(sidecar.primary ? { direction: sidecar.stats[sidecar.primary]?.direction ?? 'max' } : {}) }) : null
  if (index === null) throw new GenerationNotFoundError(`generation ${g} on ${label} has no scores to pick the best individual by; name an id`, { generation: g, ref: label })
  const recorded = sidecar?.lineage?.[index]?.id
  if (recorded !== undefined) return recorded
  // Loaded here, not at start-up: it pulls in zod, which every other command line would pay for.
  const { deriveIds } = await import('../../model/lineage.js')
  return deriveIds(await store.loadGeneration(g, read), g)[index]!
}

function depthArgument(text: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) throw new CommanderArgumentError(`expected a whole number from 0 up, received ${JSON.stringify(text)}`)
  return Number(text)
}
