import { readdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { describeIds } from '../../model/id-ranges.js'
import type { ImportProgress } from '../../index.js'
import type { ObjectiveSpec } from '../../model/objectives.js'
import { objectiveFlag, objectiveNameArgument, objectivesOf } from '../objective-flags.js'
import { action, examples, refLabel, type Cli } from '../runtime.js'
import { plural } from '../format/numbers.js'

/** `evogit init [dir]`: create a store, or adopt a directory of gen_*.json files in place. */
export function registerInit(program: Command, cli: Cli): void {
  program
    .command('init')
    .summary('create a store, or adopt a PersonaStore directory in place')
    .description(
      'Create an evogit store (a git repository, branch main) in dir, or turn a directory of gen_*.json files written by the original Python PersonaStore into one in place: one commit per generation, in order, each file committed byte for byte. Every file is validated first, so a refused adopt leaves the directory as it was. Running it again on a store finishes an adopt that failed or was interrupted (only the generations not yet committed), and otherwise does nothing. A non-empty directory without gen_*.json files is refused unless --adopt is given.',
    )
    .argument('[dir]', 'the store directory (default: --dir)')
    .option('--objective <name:max|min>', 'declare an objective\'s direction (repeatable), e.g. cost:min, or cost:min:100 with a hypervolume reference', objectiveFlag)
    .option('--primary <name>', 'the objective that headlines subjects, Best-Score, log and branches', objectiveNameArgument)
    .option('--adopt', 'also turn a non-empty directory without gen_*.json files (or an existing git repository) into a store; nothing in it is deleted')
    .addHelpText('after', examples('evogit init runs/exp1', 'evogit init runs/exp2 --objective accuracy:max --objective cost:min --primary accuracy', '# adopt an old PersonaStore directory in place (re-run it to finish an interrupted adopt)', 'evogit init persona_data', 'evogit init --adopt my-notes-dir'))
    .action(
      action<[string | undefined], { adopt?: boolean; objective?: [string, ObjectiveSpec][]; primary?: string }>(cli, async (ctx, [dir], flags) => {
        const target = resolve(ctx.globals.dir, dir ?? '.')
        const before = await readdir(target).catch(() => null)
        const hadGit = before?.includes('.git') ?? false
        const legacy = before?.filter((name) => name.startsWith('gen_') && name.endsWith('.json')) ?? []
        const adopt = flags.adopt === true || legacy.length > 0
        // Adoption imports one commit per generation: show it like `import` does.
        const progress = legacy.length > 0 ? ctx.progress('adopting') : null
        const seen: ImportProgress[] = []
        let store
        try {
          store = await ctx.open({
            create: true,
            adopt,
            dir: target,
            onAdoptProgress: (p) => {
              seen.push(p)
              progress?.update(p.done, p.total, `generation ${p.generation}`)
            },
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
        const committedNow = seen.filter((p) => p.action === 'imported').map((p) => p.generation)
        const modified = seen.filter((p) => p.action === 'modified').map((p) => p.generation)
        const status = !hadGit && before !== null && before.length > 0 ? 'adopted' : !hadGit ? 'created' : committedNow.length > 0 ? 'resumed' : 'existing'
        const count = `${plural(generations.length, 'generation')}${generations.length > 0 ? ` (${describeIds(generations)})` : ''}`
        const lines = [
          status === 'created'
            ? `Created an empty evogit store in ${target} (branch ${branch})`
            : status === 'adopted'
              ? `Adopted ${target} as an evogit store: ${count} committed on ${branch}`
              : status === 'resumed'
                ? `Finished adopting ${target}: committed ${describeIds(committedNow)} now; ${count} on ${branch}`
                : `${target} is an evogit store (${count} on ${branch})`,
        ]
        if (declared && declared.changes.length > 0) lines.push(`Declared objectives: ${declared.changes.join(', ')}`)
        if (modified.length > 0) lines.push(`gen files modified on disk since they were committed, left alone: ${describeIds(modified)} (evogit status says what to do)`)
        return { json: { dir: target, status, branch, generations, committed: committedNow, modified, ...(declared ? { objectives: declared.objectives } : {}) }, text: lines.join('\n') }
      }),
    )
}
