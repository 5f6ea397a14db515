import { TRAILER, parseTrailers } from '../../model/commit-message.js'
import type { SettingsChange } from '../../report/model.js'

const ABSENT = '(absent)'

/**
 * The settings a generation commit says it changed: its `Settings-Changed` trailers
 * (`mutationRate 0.2→0.9`, one per setting, written by the save that first ran with them).
 * Values are JSON, `(absent)` for a setting added or removed; a value the trailer cut short
 * (ending in `…`) is kept as its text, the full value being in the sidecars.
 */
export function settingsChangesOf(message: string, generation: number): SettingsChange[] {
  // Only a message with a trailer block has trailers; repeated keys are read line by line,
  // since `parseTrailers` keeps the last value of a key.
  if (!parseTrailers(message).has(TRAILER.settingsChanged)) return []
  const prefix = `${TRAILER.settingsChanged}:`
  const block = message.replace(/\s+$/, '').split(/\n[ \t]*\n/).at(-1) ?? ''
  return block
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .flatMap((line) => {
      const text = line.slice(prefix.length).trim()
      const space = text.indexOf(' ')
      if (space <= 0) return []
      const change = splitChange(text.slice(space + 1))
      return change ? [{ path: text.slice(0, space), from: change[0], to: change[1], generation }] : []
    })
}

/** `old→new`, where either side may itself contain `→` inside a JSON string: the first split whose both sides read is it. */
function splitChange(text: string): [unknown, unknown] | null {
  const arrows = [...text.matchAll(/→/g)].map((m) => m.index)
  for (const at of arrows) {
    const from = readValue(text.slice(0, at))
    const to = readValue(text.slice(at + 1))
    if (from.ok && to.ok) return [from.value, to.value]
  }
  // Cut values do not parse: keep the first split, each side as it reads (or as text).
  const at = arrows[0]
  if (at === undefined) return null
  return [readValue(text.slice(0, at)).value, readValue(text.slice(at + 1)).value]
}

function readValue(text: string): { ok: boolean; value: unknown } {
  if (text === ABSENT) return { ok: true, value: ABSENT }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, value: text }
  }
}
