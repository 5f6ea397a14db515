import { createRequire } from 'node:module'
import type * as FormatDistanceStrict from 'date-fns/formatDistanceStrict'

// Required (date-fns ships CommonJS too) on the first call rather than imported: every command
// module is loaded for `evogit --help`, and only the text output of log and archive needs it.
const require = createRequire(import.meta.url)
let formatDistanceStrict: typeof FormatDistanceStrict.formatDistanceStrict | undefined

/**
 * "3 minutes ago" (or "in 3 minutes" for a clock that ran ahead), relative to `now`.
 * The strict variant says "30 seconds ago" rather than "less than a minute ago", which tells
 * a running evolution's generations apart.
 *
 * @example
 * ```ts
 * relativeTime({ time: '2026-01-01T00:00:00Z', now: new Date('2026-01-01T00:03:00Z') }) // '3 minutes ago'
 * ```
 */
export function relativeTime(options: { time: string | Date; now: Date }): string {
  const time = typeof options.time === 'string' ? new Date(options.time) : options.time
  if (Number.isNaN(time.getTime())) return 'unknown time'
  formatDistanceStrict ??= (require('date-fns/formatDistanceStrict') as typeof FormatDistanceStrict).formatDistanceStrict
  return formatDistanceStrict(time, options.now, { addSuffix: true })
}
