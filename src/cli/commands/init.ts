import { readdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { action, examples, refLabel, type Cli } from '../runtime.js'
import { plural } from '../format/numbers.js'
import type { ObjectiveSpec } from '../../model/objectives.js'
import { objectiveFlag, objectiveNameArgument, objectivesOf } from '../objective-flags.js'

/** `evogit init [dir]`: create a store, or adopt a directory of gen_*.json files in place. */
export function registerInit(program: Command, cli: Cli): void {
  program
    .command('init')
    .summary('create a store, or adopt a PersonaStore directory in place')
    .description(
      'Create an evogit store (a git repository, branch main) in dir, or turn a directory of gen_*.json files written by the original Python PersonaStore into one in place: one commit per generation, in order. Running it on an existing store does nothing.',
    )
    .argument('[dir]', 'the store directory (default: --dir)')
    .option('--objective <name:max|min>', 'declare an objective\'s direction (repeatable), e.g. cost:min, or cost:min:100 with a hypervolume reference', objectiveFlag)
    .option('--primary <name>', 'the objective that headlines subjects, Best-Score, log and branches', objectiveNameArgument)
    .addHelpText('after', examples('evogit init runs/exp1', 'evogit init runs/exp2 --objective accuracy:max --objective cost:min --primary accuracy', '# adopt an old PersonaStore directory in place', 'evogit init persona_data'))
    .action(
      action<[string | undefined], { objective?: [string, ObjectiveSpec][]; primary?: string }>(cli, async (ctx, [dir], flags) => {
        const target = resolve(ctx.globals.dir, dir ?? '.')
        const before = await readdir(target).catch(() => null)
        const hadGit = before?.includes('.git') ?? false
        const legacy = before?.filter((name) => name.startsWith('gen_') && name.endsWith('.json')) ?? []
        // Adoption imports one commit per generation: show it like `import` does.
        const progress = !hadGit && legacy.length > 0 ? ctx.progress('adopting') : null
        let store
        try {
          store = await ctx.open({
            adopt: true,
            dir: target,
            ...(progress ? { onAdoptProgress: (p: { done: number; total: number; generation: number }) => progress.update(p.done, p.total, `generation ${p.generation}`) } : {}),
          })
        } finally {
          progress?.stop()
        }
        const objectives = objectivesOf(flags.objective)
        // Committed in .evogit/objectives.json, so clones and every later command agree on "best".
        const declared =
          objectives === undefined && flags.primary === undefined
            ? null
            : await store.setObjectives({ ...(objectives ? { objectives } : {}), ...(flags.primary === undefined ? {} : { primary: flags.primary }) })
        const generations = await store.listGenerations()
        const branch = await refLabel(store, undefined)
        const status = hadGit ? 'existing' : before !== null && before.length > 0 ? 'adopted' : 'created'
        const count = plural(generations.length, 'generation')
        const text =
          status === 'created'
            ? `Created an empty evogit store in ${target} (branch ${branch})`
            : status === 'adopted'
              ? `Adopted ${target} as an evogit store: ${count} committed on ${branch}`
              : `${target} is an evogit store (${count} on ${branch})`
        const declaredText = declared && declared.changes.length > 0 ? `\nDeclared objectives: ${declared.changes.join(', ')}` : ''
        return { json: { dir: target, status, branch, generations, ...(declared ? { objectives: declared.objectives } : {}) }, text: text + declaredText }
      }),
    )
}
