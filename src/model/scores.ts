import { InvalidArgumentError, InvalidScoresError } from '../errors/index.js'
import { OBJECTIVE_NAME } from './objectives.js'

/**
 * Scores as callers give them: one number per individual, or named objectives. A `null` (or,
 * from JS, `NaN`, `Infinity`, `-Infinity`) is a failed or skipped evaluation.
 */
export type ScoresInput = readonly (number | null)[] | Readonly<Record<string, readonly (number | null)[]>>

/** Derives one score per individual: the name of a numeric field, or a function (returning `null` or NaN for a failure). */
export type ScoreSelector<T> = string | ((individual: T, index: number) => number | null)

/** What a failed evaluation was given as. JSON has no NaN, so the raw value is kept as text beside the `null` score. */
export type FailedScore = null | 'NaN' | 'Infinity' | '-Infinity'

/** One failed evaluation: the individual's index and what its score was. */
export interface ScoreFailure {
  index: number
  raw: FailedScore
}

/** Scores per objective with failures as `null`, and the failures with their raw values. */
export interface NormalizedScores {
  scores: Record<string, (number | null)[]>
  failures: Record<string, ScoreFailure[]>
}

/**
 * Turns `scores` or `score` into named objectives, checking names, lengths and types. Failed
 * evaluations (`null`, NaN, ±Infinity) become `null` scores listed in `failures`; anything else
 * that is not a number is an error. Returns empty objects when the caller gave no scores.
 */
export function normalizeScores<T>(options: {
  population: readonly T[]
  scores?: ScoresInput | undefined
  score?: ScoreSelector<T> | undefined
}): NormalizedScores {
  const { population, scores, score } = options
  const out: NormalizedScores = { scores: {}, failures: {} }
  if (scores !== undefined && score !== undefined) {
    throw new InvalidArgumentError('pass either `scores` or `score`, not both', {
      parameter: 'scores',
      expected: 'either scores or score',
      received: 'both',
    })
  }
  if (score !== undefined) {
    add(out, 'score', population.map((ind, i) => scoreOf(ind, i, score)))
    return out
  }
  if (scores === undefined) return out
  if (Array.isArray(scores)) {
    add(out, 'score', checked('score', scores as readonly unknown[], population.length))
    return out
  }
  if (typeof scores !== 'object' || scores === null) {
    throw new InvalidArgumentError(`\`scores\` must be a number[] or a Record<string, number[]>, received ${typeof scores}`, {
      parameter: 'scores',
      expected: 'number[] | Record<string, number[]>',
      received: typeof scores,
    })
  }
  for (const [name, values] of Object.entries(scores as Record<string, unknown>)) {
    if (!OBJECTIVE_NAME.test(name)) {
      throw new InvalidScoresError(`objective name ${JSON.stringify(name)} must match ${OBJECTIVE_NAME.source}`, {
        objective: name,
        reason: 'invalid objective name',
      })
    }
    if (!Array.isArray(values)) {
      throw new InvalidScoresError(`scores for objective "${name}" must be an array of numbers`, {
        objective: name,
        reason: 'not an array',
      })
    }
    add(out, name, checked(name, values as readonly unknown[], population.length))
  }
  return out
}

function add(out: NormalizedScores, name: string, values: (number | FailedScore)[]): void {
  const clean = new Array<number | null>(values.length)
  const failures: ScoreFailure[] = []
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (typeof v === 'number') clean[i] = v
    else {
      clean[i] = null
      failures.push({ index: i, raw: v })
    }
  }
  out.scores[name] = clean
  if (failures.length > 0) out.failures[name] = failures
}

function checked(objective: string, values: readonly unknown[], expectedLength: number): (number | FailedScore)[] {
  if (values.length !== expectedLength) {
    throw new InvalidScoresError(
      `objective "${objective}" has ${values.length} scores for ${expectedLength} individuals`,
      { objective, reason: `expected ${expectedLength} scores, received ${values.length}` },
    )
  }
  const out = new Array<number | FailedScore>(values.length)
  for (let i = 0; i < values.length; i++) out[i] = scoreValue(values[i], objective, i)
  return out
}

/** A finite number, or the marker of a failed evaluation; anything else is an error. */
function scoreValue(value: unknown, objective: string, index: number): number | FailedScore {
  if (value === null) return null
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
  }
  const shown = value === undefined ? 'undefined' : typeof value === 'string' ? `the string ${JSON.stringify(value).slice(0, 40)}` : typeof value
  throw new InvalidScoresError(`score ${index} of objective "${objective}" is ${shown}; scores must be numbers (or null for a failed evaluation)`, {
    objective,
    index,
    reason: `not a number: ${shown}`,
  })
}

function scoreOf<T>(individual: T, index: number, selector: ScoreSelector<T>): number | FailedScore {
  if (typeof selector === 'function') return scoreValue(selector(individual, index), 'score', index)
  const value = typeof individual === 'object' && individual !== null ? (individual as Record<string, unknown>)[selector] : undefined
  return scoreValue(value, 'score', index)
}
