import { InvalidArgumentError, InvalidScoresError } from '../errors/index.js'

/** Scores as callers give them: one number per individual, or named objectives. */
export type ScoresInput = readonly number[] | Readonly<Record<string, readonly number[]>>

/** Derives one score per individual: the name of a numeric field, or a function. */
export type ScoreSelector<T> = string | ((individual: T, index: number) => number)

/** Objective names end up in JSON keys and CLI tables; keep them short and printable. */
const OBJECTIVE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/

/**
 * Turns `scores` or `score` into named objectives, checking lengths and finiteness.
 * Returns an empty object when the caller gave no scores.
 */
export function normalizeScores<T>(options: {
  population: readonly T[]
  scores?: ScoresInput | undefined
  score?: ScoreSelector<T> | undefined
}): Record<string, number[]> {
  const { population, scores, score } = options
  if (scores !== undefined && score !== undefined) {
    throw new InvalidArgumentError('pass either `scores` or `score`, not both', {
      parameter: 'scores',
      expected: 'either scores or score',
      received: 'both',
    })
  }
  if (score !== undefined) return { score: population.map((ind, i) => scoreOf(ind, i, score)) }
  if (scores === undefined) return {}
  if (Array.isArray(scores)) return { score: checked('score', scores as readonly unknown[], population.length) }
  if (typeof scores !== 'object' || scores === null) {
    throw new InvalidArgumentError(`\`scores\` must be a number[] or a Record<string, number[]>, received ${typeof scores}`, {
      parameter: 'scores',
      expected: 'number[] | Record<string, number[]>',
      received: typeof scores,
    })
  }
  const out: Record<string, number[]> = {}
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
    out[name] = checked(name, values as readonly unknown[], population.length)
  }
  return out
}

function checked(objective: string, values: readonly unknown[], expectedLength: number): number[] {
  if (values.length !== expectedLength) {
    throw new InvalidScoresError(
      `objective "${objective}" has ${values.length} scores for ${expectedLength} individuals`,
      { objective, reason: `expected ${expectedLength} scores, received ${values.length}` },
    )
  }
  const out = new Array<number>(values.length)
  for (let i = 0; i < values.length; i++) out[i] = finite(values[i], objective, i)
  return out
}

function finite(value: unknown, objective: string, index: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const shown = typeof value === 'number' ? String(value) : typeof value
    throw new InvalidScoresError(`score ${index} of objective "${objective}" is ${shown}; scores must be finite numbers`, {
      objective,
      index,
      reason: `not a finite number: ${shown}`,
    })
  }
  return value
}

function scoreOf<T>(individual: T, index: number, selector: ScoreSelector<T>): number {
  if (typeof selector === 'function') return finite(selector(individual, index), 'score', index)
  const value = typeof individual === 'object' && individual !== null ? (individual as Record<string, unknown>)[selector] : undefined
  return finite(value, 'score', index)
}
