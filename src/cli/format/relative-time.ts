import { formatDistanceStrict } from 'date-fns/formatDistanceStrict'

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
  return formatDistanceStrict(time, options.now, { addSuffix: true })
}
