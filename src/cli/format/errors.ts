import { CommanderError } from 'commander'
import { EvogitError, type ErrorCategory, type PopulationIssue } from '../../errors/index.js'
import { exitCodeFor } from '../exit-codes.js'
import { fieldPath } from './diff.js'

/** What the CLI prints for a failure, and the exit code it ends with. */
export interface DescribedError {
  code: string
  category: ErrorCategory | 'internal'
  exitCode: number
  /** What went wrong, naming the thing (generation, branch, file). */
  message: string
  /** What to do next. */
  hint?: string
  data?: unknown
}

/**
 * Turns any thrown value into a message and a next step. Library errors are described from
 * their `code` and `data`, not by parsing their text; commander's own errors are usage errors;
 * anything else is a bug in evogit (exit code 1).
 *
 * @example
 * ```ts
 * const { message, hint, exitCode } = describeError(err)
 * ```
 */
export function describeError(err: unknown): DescribedError {
  if (err instanceof CommanderError) {
    return { code: 'E_USAGE', category: 'usage', exitCode: exitCodeFor('usage'), message: err.message.replace(/^error: /, ''), hint: 'run evogit --help, or evogit <command> --help, for usage and examples' }
  }
  if (err instanceof EvogitError) {
    const base = { code: err.code, category: err.category, exitCode: exitCodeFor(err.category), data: err.data as unknown }
    return { ...base, ...explain(err) }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'E_INTERNAL', category: 'internal', exitCode: exitCodeFor('internal'), message, hint: 'this is a bug in evogit; please report it (set EVOGIT_DEBUG=1 to print the stack trace)' }
}

function explain(err: EvogitError): { message: string; hint?: string } {
  const data = (err.data ?? {}) as Record<string, unknown>
  switch (err.code) {
    case 'E_GENERATION_EXISTS':
      return {
        message: `generation ${String(data.generation)} already exists on branch ${String(data.branch)}`,
        hint: 'use --overwrite to replace it (the old version stays in history), or branch first: evogit branch <name> --checkout',
      }
    case 'E_GENERATION_NOT_FOUND':
      return {
        message: `generation ${String(data.generation)} does not exist on ${String(data.ref)}`,
        hint: `evogit list --ref ${String(data.ref)} shows the generations there`,
      }
    case 'E_REF_NOT_FOUND':
      return { message: err.message, hint: 'evogit branch lists the branches, evogit tags the tags' }
    case 'E_REF_EXISTS':
      return { message: err.message, hint: 'evogit branch lists the branches and evogit tags the tags; pick a name that is not taken' }
    case 'E_INVALID_REF_NAME':
      return { message: err.message, hint: 'names follow git\'s rules: no spaces, "..", "~", "^", ":", "?", "*", "[" or "\\", and no leading "-"' }
    case 'E_INVALID_GENERATION_ID':
      return { message: err.message, hint: 'generation ids are whole numbers from 0 up' }
    case 'E_NOT_A_STORE':
      return {
        message: err.message,
        hint: data.reason === 'no store' || data.reason === 'not empty'
          ? `run evogit init ${String(data.dir)} to make it a store, or point --dir (or EVOGIT_DIR) at one`
          : 'point --dir (or EVOGIT_DIR) at an evogit store',
      }
    case 'E_DIRTY_WORKTREE': {
      const files = Array.isArray(data.files) ? (data.files as string[]) : []
      const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? ', …' : '')
      return {
        message: `the store has uncommitted changes${shown ? ` in ${shown}` : ''}`,
        hint: 'commit or discard them with git, or pass --force to overwrite them',
      }
    }
    case 'E_INVALID_POPULATION': {
      const issues = Array.isArray(data.issues) ? (data.issues as PopulationIssue[]) : []
      if (issues.length === 0) return { message: err.message, hint: 'the population must be a JSON array of objects' }
      const lines = issues.slice(0, 5).map((i) => `  individual ${i.index}${i.path.length ? `, field ${fieldPath(i.path)}` : ''}: ${i.message}`)
      if (issues.length > 5) lines.push(`  … and ${issues.length - 5} more`)
      return {
        message: `the population does not match the schema:\n${lines.join('\n')}`,
        hint: 'fix those individuals, or pass the --schema that describes them',
      }
    }
    case 'E_INVALID_SCORES':
      return { message: err.message, hint: '--scores takes a JSON array with one finite number per individual, or {"objective": [numbers…]}' }
    case 'E_INVALID_JSON':
      return { message: err.message, hint: 'the input must be plain JSON (no NaN, Infinity or undefined)' }
    case 'E_LOCKED':
      return { message: err.message, hint: 'another evogit process is writing to this store; wait for it and retry (a crashed writer\'s lock goes stale on its own)' }
    case 'E_CONCURRENT_UPDATE':
      return { message: err.message, hint: 'another writer committed first and nothing was lost; run the command again' }
    case 'E_CORRUPT_GENERATION':
    case 'E_CORRUPT_OBJECT':
      return { message: err.message, hint: 'run evogit verify to list everything that is broken, and git fsck --strict for the repository itself' }
    case 'E_IO':
      return { message: err.message, hint: 'check free disk space and the permissions of that path; the store was left consistent' }
    case 'E_UNSAFE_TREE':
      return { message: err.message, hint: 'that branch holds a link, a submodule or a malformed entry; nothing was changed, and branches without it still work' }
    case 'E_DETACHED_HEAD':
      return { message: err.message, hint: 'evogit checkout <branch> first' }
    default:
      return { message: err.message, hint: 'see evogit <command> --help' }
  }
}
