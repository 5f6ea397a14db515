import * as z from 'zod'
import { InvalidArgumentError, InvalidJsonError, InvalidPopulationError, type PopulationIssue } from '../errors/index.js'
import { canonicalJson, canonicalJsonBytes, formatPath, type KeyOrder } from './canonical-json.js'
import type { JsonBytesOptions } from './json-bytes.js'

/** Errors list at most this many issues; a population of 10,000 broken individuals needs no 10,000-line message. */
const MAX_ISSUES = 50

/** The schema used when a store is opened without one: any JSON object. */
export const anyIndividualSchema = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  { message: 'expected a JSON object' },
)

/** The arguments of {@link validatePopulation}. */
export interface ValidatePopulationOptions<T> {
  populationSchema: z.ZodType<T[]>
  population: unknown
  generation?: number
  /** `population` in errors; `generation 3 in commit abc…` when reading. */
  context?: string
}

/** Validates a whole population in one pass; the error names every failing individual and field. */
export function validatePopulation<T>(options: ValidatePopulationOptions<T>): T[] {
  const { populationSchema, population, generation } = options
  if (!Array.isArray(population)) {
    throw new InvalidArgumentError(`\`population\` must be an array of individuals, received ${population === null ? 'null' : typeof population}`, {
      parameter: 'population',
      expected: 'an array',
      received: population === null ? 'null' : typeof population,
    })
  }
  const result = populationSchema.safeParse(population)
  if (result.success) return result.data
  const issues: PopulationIssue[] = result.error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const [index, ...path] = issue.path
    return { index: typeof index === 'number' ? index : -1, path: path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message }
  })
  throw new InvalidPopulationError(describeIssues(options.context ?? 'population', issues, result.error.issues.length), {
    ...(generation === undefined ? {} : { generation }),
    issues,
  })
}

/**
 * Serialises a population canonically; values JSON cannot carry become an
 * {@link InvalidPopulationError}. With `validated` (the population is what `validatePopulation`
 * returned for the schema `keyOrder` came from), what zod already guarantees is not re-checked.
 */
export function serializePopulation(population: readonly unknown[], keyOrder: KeyOrder, generation?: number, options: { validated?: boolean } = {}): string {
  return populationError(() => canonicalJson(population, { kind: 'array', element: keyOrder }, 'population', options), generation)
}

/** {@link serializePopulation} as the bytes of `gen_<n>.json`, for a save (see `json-bytes.ts` for why not `Buffer.from`). */
export function serializePopulationBytes(population: readonly unknown[], keyOrder: KeyOrder, generation?: number, options: { validated?: boolean } & JsonBytesOptions = {}): Buffer {
  return populationError(() => canonicalJsonBytes(population, { kind: 'array', element: keyOrder }, 'population', options), generation)
}

function populationError<R>(serialize: () => R, generation: number | undefined): R {
  try {
    return serialize()
  } catch (err) {
    if (!(err instanceof InvalidJsonError)) throw err
    const [index, ...path] = err.data.path
    const issue: PopulationIssue = { index: typeof index === 'number' ? index : -1, path, message: err.data.reason }
    throw new InvalidPopulationError(describeIssues('population', [issue], 1), { ...(generation === undefined ? {} : { generation }), issues: [issue] }, { cause: err })
  }
}

function describeIssues(context: string, issues: PopulationIssue[], total: number): string {
  const first = issues[0]
  if (!first) return `${context} is invalid`
  const where = first.path.length > 0 ? ` at ${formatPath(first.path)}` : ''
  const more = total > 1 ? ` (and ${total - 1} more ${total === 2 ? 'issue' : 'issues'})` : ''
  return `${context}: individual ${first.index} is invalid${where}: ${first.message}${more}`
}
