import type { ErrorCategory } from '../errors/index.js'

/**
 * The one table from error category to exit code, documented in the README. `internal` is a
 * bug in evogit (an error without a category). Signals keep the shell's usual 128 + n.
 */
export const EXIT_CODES: Readonly<Record<ErrorCategory | 'ok' | 'internal', number>> = {
  ok: 0,
  internal: 1,
  usage: 2,
  'not-found': 3,
  conflict: 4,
  'invalid-data': 5,
  corrupt: 6,
  io: 7,
  locked: 8,
}

/** The exit code of a category. */
export function exitCodeFor(category: ErrorCategory | 'ok' | 'internal'): number {
  return EXIT_CODES[category]
}
