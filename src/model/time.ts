import { UTCDate } from '@date-fns/utc'
import { format } from 'date-fns'

/** ISO 8601 in UTC with milliseconds, e.g. `2026-11-24T03:24:28.123Z`, whatever the machine's time zone. */
export function formatUtc(date: Date): string {
  return format(new UTCDate(date.getTime()), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
}
