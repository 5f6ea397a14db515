import { InvalidArgumentError, ObjectiveConflictError } from '../errors/index.js'

/** Whether an objective is a fitness to raise (`max`) or a loss to lower (`min`). */
export type Direction = 'max' | 'min'

/** The direction of an objective nobody declared: what evogit has always assumed. */
export const DEFAULT_DIRECTION: Direction = 'max'

/** Objective names end up in JSON keys, trailers and CLI tables; keep them short and printable. */
export const OBJECTIVE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/

/** One declared objective: its direction, and optionally the reference value for hypervolume. */
export interface ObjectiveSpec {
  direction: Direction
  /** The hypervolume reference for this objective (a value worse than any you expect). */
  reference?: number
}

/** Objectives as callers declare them: `{ cost: 'min' }` or `{ cost: { direction: 'min', reference: 10 } }`. */
export type ObjectivesInput = Readonly<Record<string, Direction | ObjectiveSpec>>

/**
 * The declared objectives of a store, as committed in `.evogit/objectives.json` so that every
 * clone and process agrees on what "best" means.
 */
export interface ObjectivesConfig {
  /** The objective that headlines commit subjects, `log` and `branches`; `null` picks one (see {@link choosePrimary}). */
  primary: string | null
  objectives: Record<string, ObjectiveSpec>
}

/** Where the declared objectives live in every commit's tree. */
export const OBJECTIVES_PATH = '.evogit/objectives.json'

/** Bumped when the objectives file changes incompatibly. */
export const OBJECTIVES_FORMAT_VERSION = 1

/** An empty declaration: every objective is `max`, the primary is chosen by name. */
export const NO_OBJECTIVES: ObjectivesConfig = Object.freeze({ primary: null, objectives: Object.freeze({}) })

/** The direction of `name`: declared, else `max`. */
export function directionOf(config: ObjectivesConfig | null | undefined, name: string): Direction {
  return config?.objectives[name]?.direction ?? DEFAULT_DIRECTION
}

/** True when `a` is strictly better than `b` in direction `dir`. */
export function better(a: number, b: number, dir: Direction): boolean {
  return dir === 'min' ? a < b : a > b
}

/** The better of two values (`null` loses to any number). */
export function bestOfTwo(a: number | null, b: number | null, dir: Direction): number | null {
  if (a === null) return b
  if (b === null) return a
  return better(b, a, dir) ? b : a
}

/** The best of `values` in direction `dir`, ignoring `null`s; `null` when there is none. */
export function bestOf(values: Iterable<number | null>, dir: Direction): number | null {
  let best: number | null = null
  for (const v of values) best = bestOfTwo(best, v, dir)
  return best
}

/** The worst of `values` in direction `dir`, ignoring `null`s. */
export function worstOf(values: Iterable<number | null>, dir: Direction): number | null {
  return bestOf(values, dir === 'max' ? 'min' : 'max')
}

/** The best of a min/max pair: what `stats.best` is. */
export function bestOfStats(stats: { min: number | null; max: number | null }, dir: Direction): number | null {
  return dir === 'min' ? stats.min : stats.max
}

/** `↑` for max, `↓` for min. */
export function directionArrow(dir: Direction): string {
  return dir === 'min' ? '↓' : '↑'
}

/** How tables name an objective: `cost ↓`, `accuracy ↑`. */
export function objectiveLabel(name: string, dir: Direction): string {
  return `${name} ${directionArrow(dir)}`
}

/**
 * The primary objective among `names`: the declared one when present, else `score`, else the
 * first by name. `null` when there are no objectives.
 */
export function choosePrimary(names: Iterable<string>, declared?: string | null): string | null {
  const list = [...names]
  if (declared && list.includes(declared)) return declared
  if (list.includes('score')) return 'score'
  return list.sort()[0] ?? null
}

/**
 * Normalises what a caller declared (`{ cost: 'min' }`), checking names and directions, into
 * {@link ObjectiveSpec}s. `parameter` names the option in errors.
 */
export function normalizeObjectives(input: unknown, parameter = 'objectives'): Record<string, ObjectiveSpec> {
  if (input === undefined || input === null) return {}
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidArgumentError(`\`${parameter}\` must be an object such as { cost: 'min' }, received ${Array.isArray(input) ? 'an array' : typeof input}`, {
      parameter,
      expected: "Record<string, 'max' | 'min' | { direction, reference? }>",
      received: Array.isArray(input) ? 'array' : typeof input,
    })
  }
  const out: Record<string, ObjectiveSpec> = {}
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    assertObjectiveName(name, parameter)
    const spec = typeof value === 'string' ? { direction: value } : value
    const direction = (spec as { direction?: unknown } | null)?.direction
    if (direction !== 'max' && direction !== 'min') {
      throw new InvalidArgumentError(`\`${parameter}.${name}\` must be 'max' or 'min', received ${JSON.stringify(direction ?? value) ?? typeof value}`, {
        parameter: `${parameter}.${name}`,
        expected: "'max' | 'min'",
        received: JSON.stringify(direction ?? value) ?? typeof value,
      })
    }
    const reference = (spec as { reference?: unknown }).reference
    if (reference !== undefined && (typeof reference !== 'number' || !Number.isFinite(reference))) {
      throw new InvalidArgumentError(`\`${parameter}.${name}.reference\` must be a finite number, received ${JSON.stringify(reference) ?? typeof reference}`, {
        parameter: `${parameter}.${name}.reference`,
        expected: 'a finite number',
        received: JSON.stringify(reference) ?? typeof reference,
      })
    }
    out[name] = reference === undefined ? { direction } : { direction, reference }
  }
  return out
}

/** Throws unless `name` is a valid objective name. */
export function assertObjectiveName(name: unknown, parameter = 'objective'): string {
  if (typeof name !== 'string' || !OBJECTIVE_NAME.test(name)) {
    throw new InvalidArgumentError(`objective name ${JSON.stringify(name)} must match ${OBJECTIVE_NAME.source}`, {
      parameter,
      expected: `a name matching ${OBJECTIVE_NAME.source}`,
      received: JSON.stringify(name) ?? typeof name,
    })
  }
  return name
}

/**
 * Adds declarations to the stored ones. A new objective is simply added; declaring a known one
 * again with the same direction is a no-op; a different direction (or reference) is refused:
 * changing what "best" means is {@link applyObjectiveChange}'s job, recorded in history.
 */
export function mergeDeclarations(
  stored: ObjectivesConfig,
  declared: { objectives?: Record<string, ObjectiveSpec>; primary?: string | null | undefined },
  source: string,
): ObjectivesConfig {
  const objectives = { ...stored.objectives }
  for (const [name, spec] of Object.entries(declared.objectives ?? {})) {
    const known = objectives[name]
    if (known === undefined) {
      objectives[name] = spec
      continue
    }
    if (known.direction !== spec.direction || (spec.reference !== undefined && spec.reference !== known.reference)) {
      const was = describeSpec(known)
      throw new ObjectiveConflictError(
        `objective "${name}" is declared ${was} in the store, but ${describeSpec(spec)} in ${source}; change it explicitly with setObjectives (evogit objectives ${name}:${spec.direction} --change)`,
        { objective: name, stored: known.direction, declared: spec.direction, source },
      )
    }
    if (known.reference === undefined && spec.reference !== undefined) objectives[name] = spec
  }
  let primary = stored.primary
  if (declared.primary !== undefined && declared.primary !== null && declared.primary !== stored.primary) {
    if (stored.primary !== null) {
      throw new ObjectiveConflictError(
        `the store's primary objective is "${stored.primary}", but ${source} asks for "${declared.primary}"; change it explicitly with setObjectives (evogit objectives --primary ${declared.primary} --change)`,
        { objective: declared.primary, stored: stored.primary, declared: declared.primary, source },
      )
    }
    primary = declared.primary
  }
  return { primary, objectives }
}

/** The changes between two declarations, one line each: `cost: max → min`, `primary: (none) → cost`. */
export function describeObjectiveChanges(before: ObjectivesConfig, after: ObjectivesConfig): string[] {
  const out: string[] = []
  const names = [...new Set([...Object.keys(before.objectives), ...Object.keys(after.objectives)])].sort()
  for (const name of names) {
    const a = before.objectives[name]
    const b = after.objectives[name]
    const was = a ? describeSpec(a) : `${DEFAULT_DIRECTION} (undeclared)`
    const now = b ? describeSpec(b) : `${DEFAULT_DIRECTION} (undeclared)`
    if (was !== now) out.push(`${name}: ${was} → ${now}`)
  }
  if (before.primary !== after.primary) out.push(`primary: ${before.primary ?? '(none)'} → ${after.primary ?? '(none)'}`)
  return out
}

function describeSpec(spec: ObjectiveSpec): string {
  return spec.reference === undefined ? spec.direction : `${spec.direction} (reference ${spec.reference})`
}

/** `cost:min` (or `cost:min:10`, with a hypervolume reference) as typed on the command line. */
export function parseObjectiveFlag(text: string): [string, ObjectiveSpec] {
  const match = /^([^:]+):(max|min)(?::(.+))?$/.exec(text)
  const reference = match?.[3] === undefined ? undefined : Number(match[3])
  if (!match || !OBJECTIVE_NAME.test(match[1]!) || (reference !== undefined && !Number.isFinite(reference))) {
    throw new InvalidArgumentError(`expected NAME:max or NAME:min (optionally NAME:min:REFERENCE), received ${JSON.stringify(text)}`, {
      parameter: 'objective',
      expected: 'NAME:max | NAME:min[:REFERENCE]',
      received: text,
    })
  }
  const direction = match[2] as Direction
  return [match[1]!, reference === undefined ? { direction } : { direction, reference }]
}

/** Canonical text of the objectives file: sorted names, 2-space indent, trailing newline. */
export function serializeObjectives(config: ObjectivesConfig): string {
  const objectives: Record<string, ObjectiveSpec> = {}
  for (const name of Object.keys(config.objectives).sort()) {
    const spec = config.objectives[name]!
    objectives[name] = spec.reference === undefined ? { direction: spec.direction } : { direction: spec.direction, reference: spec.reference }
  }
  return `${JSON.stringify({ formatVersion: OBJECTIVES_FORMAT_VERSION, primary: config.primary, objectives }, null, 2)}\n`
}

/** True when two declarations say the same thing. */
export function sameObjectives(a: ObjectivesConfig, b: ObjectivesConfig): boolean {
  return serializeObjectives(a) === serializeObjectives(b)
}

/** Directions of the given objective names, for the sidecar and for stats. */
export function directionsFor(config: ObjectivesConfig, names: Iterable<string>): Record<string, Direction> {
  const out: Record<string, Direction> = {}
  for (const name of [...names].sort()) out[name] = directionOf(config, name)
  return out
}
