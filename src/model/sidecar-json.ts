import { canonicalJson, type KeyOrder } from './canonical-json.js'
import type { LineageEntry } from './lineage.js'

/**
 * The sidecar's text: canonical JSON, except that the lineage (when recorded) is written last
 * with one entry per line. One line per individual keeps `git diff` of a sidecar to one line per
 * changed individual, and writing it costs a fraction of the indented form, which for 1000
 * individuals with two parents each is 240 KB and alone would exceed the 10% that recording
 * lineage may add to a save. Entries come from `normalizeLineage`, so they are plain JSON with
 * keys already in schema order.
 */
export function sidecarJson(sidecar: { lineage?: readonly LineageEntry[] | undefined } & Record<string, unknown>, order: KeyOrder): string {
  const { lineage, ...rest } = sidecar
  const text = canonicalJson(rest, order, 'sidecar')
  if (lineage === undefined) return text
  const lines = lineage.map((entry) => `    ${JSON.stringify(entry)}`).join(',\n')
  // canonicalJson always ends an object with "\n}\n".
  return `${text.slice(0, -3)},\n  "lineage": [${lineage.length === 0 ? '' : `\n${lines}\n  `}]\n}\n`
}
