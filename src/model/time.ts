import { createRequire } from 'node:module'
import type * as Utc from '@date-fns/utc'
import type * as Format from 'date-fns/format'

// date-fns and its UTC date are required (both ship CommonJS) on the first call rather than
// imported: opening a store for `evogit list` should not pay for formatting it never does.
const require = createRequire(import.meta.url)
let loaded: { format: typeof Format.format; UTCDate: typeof Utc.UTCDate } | undefined

function dateFns() {
  return (loaded ??= {
    format: (require('date-fns/format') as typeof Format).format,
    UTCDate: (require('@date-fns/utc') as typeof Utc).UTCDate,
  })
}

/** ISO 8601 in UTC with milliseconds, e.g. `2026-11-24T03:24:28.123Z`, whatever the machine's time zone. */
export function formatUtc(date: Date): string {
  // The log formats one time per commit, and date-fns's format costs ~0.1 ms a call (a tenth of a
  // second for 1000 entries). For years 0–9999 toISOString is exactly this format; date-fns
  // keeps the rest (where toISOString would write a six-digit signed year).
  const year = date.getUTCFullYear()
  if (year >= 0 && year <= 9999) return date.toISOString()
  const { format, UTCDate } = dateFns()
  return format(new UTCDate(date.getTime()), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
}

/** A compact UTC stamp for ref names (no `:` allowed there), e.g. `20261124T032428123Z`. */
export function formatStamp(date: Date): string {
  const { format, UTCDate } = dateFns()
  return format(new UTCDate(date.getTime()), "yyyyMMdd'T'HHmmssSSS'Z'")
}

/** The ISO time of a {@link formatStamp} stamp (an optional `-N` uniqueness suffix is ignored), or `null`. */
export function parseStamp(stamp: string): string | null {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z(?:-\d+)?$/.exec(stamp)
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : null
}

/** A git timestamp (seconds) as ISO 8601 UTC. */
export function fromGitTime(seconds: number): string {
  return formatUtc(new Date(seconds * 1000))
}
