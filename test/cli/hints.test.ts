import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import * as evogit from '../../src/index.js'
import { buildProgram } from '../../src/cli/program.js'
import { describeError } from '../../src/cli/format/errors.js'

/** The CLI command that calls each library operation (what `err.caller` names). */
const COMMAND_OF: Record<string, string> = {
  saveGeneration: 'save',
  commitWorkingFiles: 'add',
  importGenerations: 'import',
  checkout: 'checkout',
  rollback: 'rollback',
  restoreArchive: 'archive restore',
  branch: 'branch',
  tag: 'tag',
  diff: 'diff',
  loadGeneration: 'show',
  verify: 'verify',
  push: 'push',
  pull: 'pull',
  setRemote: 'remote',
  compact: 'compact',
  status: 'status',
  watch: 'watch',
  resume: 'resume',
  log: 'log',
  ancestry: 'lineage',
  descendants: 'lineage',
}

/** Codes whose hints name options of the command itself, and the operations that raise them. */
const RAISED_BY: Record<string, string[]> = {
  E_INDIVIDUAL_NOT_FOUND: ['ancestry', 'descendants'],
  E_GENERATION_EXISTS: ['saveGeneration', 'commitWorkingFiles', 'importGenerations'],
  E_INVALID_SCORES: ['saveGeneration', 'commitWorkingFiles'],
  E_DIRTY_WORKTREE: ['saveGeneration', 'commitWorkingFiles', 'checkout', 'rollback', 'restoreArchive'],
}

async function commandTree(): Promise<Map<string, Command>> {
  const program = await buildProgram({ io: { argv: [], env: {}, cwd: '/', stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, exitCode: 0 })
  const out = new Map<string, Command>([['', program]])
  for (const c of program.commands) {
    out.set(c.name(), c)
    for (const sub of c.commands) out.set(`${c.name()} ${sub.name()}`, sub)
  }
  return out
}

const longFlags = (c: Command): string[] => c.options.flatMap((o) => (o.long ? [o.long] : []))

describe('every hint names only options the command has', () => {
  it('checks each error code raised by each operation against that command', async () => {
    const commands = await commandTree()
    const globals = [...longFlags(commands.get('')!), '--help', '--version']
    const classes = (Object.values(evogit) as unknown[]).filter((v): v is new (m: string, d: unknown) => evogit.EvogitError => typeof v === 'function' && v.prototype instanceof evogit.EvogitError)
    const data = { generation: 3, branch: 'main', ref: 'main', files: ['gen_3.json', '.evogit/meta/0/3.json'], issues: [{ index: 0, path: ['age'], message: 'bad' }], dir: '/x', reason: 'not empty', path: '/x', parameter: 'p', expected: 'e', received: 'r', url: 'http://127.0.0.1/x' }
    let checked = 0
    for (const ErrorClass of classes) {
      const code = new ErrorClass('m', {}).code
      for (const caller of RAISED_BY[code] ?? [undefined, ...Object.keys(COMMAND_OF)]) {
        for (const reason of ['not empty', 'no store', 'unrelated git repository', 'other']) {
          const err = new ErrorClass('message', { ...data, reason })
          if (caller) err.caller = caller
          const hint = describeError(err).hint ?? ''
          for (const clause of hint.split(/;|, or |\(|\)| and /)) {
            // Native git's options (git fsck --strict, git update-index --index-version) are git's own.
            if (/(^|[^o])\bgit [a-z]/.test(clause)) continue
            const named = /(?<!\b(?:an|a|the|another) )evogit ([a-z]+)(?: ([a-z]+))?/.exec(clause)
            const target = named ? (commands.has(`${named[1]} ${named[2]}`) ? `${named[1]} ${named[2]}` : named[1]!) : caller ? COMMAND_OF[caller]! : ''
            const command = commands.get(target)
            expect(command, `hint of ${err.code} names "evogit ${target}", which does not exist: ${hint}`).toBeDefined()
            for (const flag of clause.match(/--[a-z][a-z-]*/g) ?? []) {
              expect([...longFlags(command!), ...globals], `hint of ${err.code} from ${caller ?? 'any command'} names ${flag}, which ${target || 'evogit'} does not have: ${hint}`).toContain(flag)
              checked++
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50)
  })

  it('a save blocked by a gen file another program wrote points at evogit add, not a --force save lacks', () => {
    const err = new evogit.DirtyWorkingTreeError('m', { files: ['gen_30.json'] })
    err.caller = 'saveGeneration'
    expect(describeError(err).hint).toContain('evogit add 30')
    expect(describeError(err).hint).not.toContain('--force')
    err.caller = 'checkout'
    expect(describeError(err).hint).toContain('--force')
  })
})
