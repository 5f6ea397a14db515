import { readdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { action, examples, refLabel, type Cli } from '../runtime.js'
import { plural } from '../format/numbers.js'

/** `evogit init [dir]`: create a store, or adopt a directory of gen_*.json files in place. */
export function registerInit(program: Command, cli: Cli): void {
  program
    .command('init')
    .summary('create a store, or adopt a PersonaStore directory in place')
    .description(
      'Create an evogit store (a git repository, branch main) in dir, or turn a directory of gen_*.json files written by the original Python PersonaStore into one in place: one commit per generation, in order. Running it on an existing store does nothing.',
    )
    .argument('[dir]', 'the store directory (default: --dir)')
    .addHelpText('after', examples('evogit init runs/exp1', '# adopt an old PersonaStore directory in place', 'evogit init persona_data'))
    .action(
      action<[string | undefined], Record<string, never>>(cli, async (ctx, [dir]) => {
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
        return { json: { dir: target, status, branch, generations }, text }
      }),
    )
}
