import { DISPLAY_DIGITS, formatNumber } from './number-format.js'
import { choosePrimary, DEFAULT_DIRECTION } from './objectives.js'
import { primaryObjective, upgradeStats, type ObjectiveStats, type ScoreStats } from './stats.js'
import { formatSettingChange, type SettingChange } from './settings.js'

/** What a generation commit says about itself, in a form `log` can read without opening any file. */
export interface GenerationCommitInfo {
  generation: number
  populationSize: number | null
  /** Statistics per objective, each with its direction and `best`. */
  stats: ScoreStats
  /** The objective the subject and `Best-Score` are about; `null` without scores. */
  primary: string | null
  /** For two or more objectives: the size of the non-dominated front and its hypervolume. */
  pareto: { frontSize: number; hypervolume: number | null } | null
}

/** Trailer keys we write; `git log --format='%(trailers:key=Best-Score)'` works on them. */
export const TRAILER = {
  generation: 'Generation',
  populationSize: 'Population-Size',
  best: 'Best-Score',
  mean: 'Mean-Score',
  objective: 'Objective',
  direction: 'Objective-Direction',
  stats: 'Evogit-Stats',
  paretoFront: 'Pareto-Front-Size',
  hypervolume: 'Hypervolume',
  /** One per setting that differs from the parent generation's `meta.settings`: `mutationRate 0.2→0.9`. */
  settingsChanged: 'Settings-Changed',
} as const

/** Subject and trailers of the commit that saves one generation. */
export function formatCommitMessage(info: Omit<GenerationCommitInfo, 'primary' | 'pareto'> & { primary?: string | null; pareto?: GenerationCommitInfo['pareto']; overwrite?: boolean; settingsChanged?: readonly SettingChange[] }): string {
  const primary = primaryObjective(info.stats, info.primary)
  const s = primary === null ? null : info.stats[primary]
  const size = info.populationSize === null ? '' : ` (${info.populationSize} ${info.populationSize === 1 ? 'individual' : 'individuals'})`
  const label = `generation ${info.generation}${info.overwrite ? ' (overwritten)' : ''}`
  const subject =
    s && s.best !== null && s.mean !== null
      ? `${label}: best ${primary === 'score' ? '' : `${primary} `}${formatNumber(s.best, DISPLAY_DIGITS)}${s.direction === 'min' ? ' (min)' : ''}, mean ${formatNumber(s.mean, DISPLAY_DIGITS)}${size}`
      : `${label}${size}`
  const trailers: [string, string][] = [[TRAILER.generation, String(info.generation)]]
  if (info.populationSize !== null) trailers.push([TRAILER.populationSize, String(info.populationSize)])
  if (primary !== null && s) {
    if (primary !== 'score') trailers.push([TRAILER.objective, primary])
    trailers.push([TRAILER.direction, s.direction])
    if (s.best !== null) trailers.push([TRAILER.best, formatNumber(s.best)])
    if (s.mean !== null) trailers.push([TRAILER.mean, formatNumber(s.mean)])
  }
  if (info.pareto) {
    trailers.push([TRAILER.paretoFront, String(info.pareto.frontSize)])
    if (info.pareto.hypervolume !== null) trailers.push([TRAILER.hypervolume, formatNumber(info.pareto.hypervolume)])
  }
  if (Object.keys(info.stats).length > 0) trailers.push([TRAILER.stats, JSON.stringify(info.stats)])
  for (const change of info.settingsChanged ?? []) trailers.push([TRAILER.settingsChanged, formatSettingChange(change)])
  return `${subject}\n\n${trailers.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`
}


/**
 * The trailer block of a commit message, as git reads it: the last paragraph, when every line
 * of it is `Key: value`. Later keys win when a key repeats.
 *
 * Written as index scans rather than `replace(/\s+$/)`, a regex split into paragraphs and a regex
 * per line: compare and log call this once per commit, ten thousand times for 20 experiments of
 * 1000 generations, and the regexes were a tenth of compare's time. It splits exactly as
 * `message.replace(/\s+$/, '').split(/\n[ \t]*\n/)` and reads each line exactly as
 * `/^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/` would (a property test holds it to that).
 */
export function parseTrailers(message: string): Map<string, string> {
  const out = new Map<string, string>()
  let end = message.length
  while (end > 0 && WHITESPACE.test(message[end - 1]!)) end--
  // Where the last paragraph starts: after the last blank-line separator a left-to-right split meets.
  let start = -1
  for (let i = message.indexOf('\n'); i >= 0 && i < end; i = message.indexOf('\n', i + 1)) {
    let j = i + 1
    while (j < end && (message.charCodeAt(j) === 0x20 || message.charCodeAt(j) === 0x09)) j++
    if (j < end && message.charCodeAt(j) === 0x0a) {
      start = j + 1
      i = j
    }
  }
  if (start < 0) return out
  const parsed: [string, string][] = []
  for (let lineStart = start; lineStart <= end; ) {
    let lineEnd = message.indexOf('\n', lineStart)
    if (lineEnd < 0 || lineEnd > end) lineEnd = end
    const colon = trailerKeyEnd(message, lineStart, lineEnd)
    if (colon < 0) return out
    const value = message.slice(colon + 1, lineEnd)
    // `.` stops at these, so a line holding one is no trailer line.
    if (value.includes('\r') || value.includes('\u2028') || value.includes('\u2029')) return out
    parsed.push([message.slice(lineStart, colon), value.trim()])
    lineStart = lineEnd + 1
  }
  for (const [k, v] of parsed) out.set(k, v)
  return out
}

const WHITESPACE = /\s/

/** The index of the `:` ending a trailer key that starts the line at `from`, or -1 when the line starts with none. */
function trailerKeyEnd(text: string, from: number, to: number): number {
  if (from >= to || !isAlnum(text.charCodeAt(from))) return -1
  for (let i = from + 1; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x3a) return i
    if (c !== 0x2d && !isAlnum(c)) return -1
  }
  return -1
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}

/** Reads a generation commit's trailers; `null` for commits that did not save a generation. */
export function parseCommitMessage(message: string): GenerationCommitInfo | null {
  const trailers = parseTrailers(message)
  const generationText = trailers.get(TRAILER.generation)
  if (generationText === undefined || !/^(0|[1-9][0-9]*)$/.test(generationText)) return null
  const generation = Number(generationText)
  if (!Number.isSafeInteger(generation)) return null
  const sizeText = trailers.get(TRAILER.populationSize)
  const populationSize = sizeText !== undefined && /^[0-9]+$/.test(sizeText) ? Number(sizeText) : null
  const stats = parseStats(trailers)
  const named = trailers.get(TRAILER.objective)
  const frontText = trailers.get(TRAILER.paretoFront)
  const hypervolume = Number(trailers.get(TRAILER.hypervolume) ?? NaN)
  const pareto = frontText !== undefined && /^[0-9]+$/.test(frontText) ? { frontSize: Number(frontText), hypervolume: Number.isFinite(hypervolume) ? hypervolume : null } : null
  return { generation, populationSize, stats, pareto, primary: choosePrimary(Object.keys(stats), named ?? (named === undefined && 'score' in stats ? 'score' : null)) }
}

function parseStats(trailers: Map<string, string>): ScoreStats {
  const json = trailers.get(TRAILER.stats)
  if (json !== undefined) {
    try {
      const parsed = JSON.parse(json) as unknown
      // Commits written before directions existed lack `direction`, `best` and `failed`.
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return upgradeStats(parsed as Record<string, Partial<ObjectiveStats>>)
    } catch {
      // A hand-edited trailer is not fatal: fall back to the headline numbers below.
    }
  }
  const best = Number(trailers.get(TRAILER.best))
  const mean = Number(trailers.get(TRAILER.mean))
  if (!trailers.has(TRAILER.best) || !Number.isFinite(best)) return {}
  const name = trailers.get(TRAILER.objective) ?? 'score'
  const direction = trailers.get(TRAILER.direction) === 'min' ? 'min' : DEFAULT_DIRECTION
  return {
    [name]: {
      direction,
      count: Number(trailers.get(TRAILER.populationSize) ?? NaN) || 0,
      failed: 0,
      best,
      min: direction === 'min' ? best : null,
      max: direction === 'max' ? best : null,
      mean: Number.isFinite(mean) ? mean : null,
      median: null,
      stdev: null,
    },
  }
}
