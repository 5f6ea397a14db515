import { InvalidJsonError } from '../errors/index.js'
import { jsonBytes, type JsonBytesOptions } from './json-bytes.js'
import { yieldsCanonicalJson } from './validated-json.js'

/**
 * How keys are ordered when an object is written. Individuals keep the order their schema
 * declares (for personas that is the original Python field order, which reads naturally in
 * `git show`); keys nobody declared, such as a record's, are sorted so that the same data
 * always produces the same bytes and diffs stay minimal.
 *
 * `validated` marks a part of the schema whose zod output is already canonical JSON (see
 * `yieldsCanonicalJson`): a value zod has just produced there is taken as it is, anything else
 * is walked by `inner`.
 */
export type KeyOrder =
  | { kind: 'sorted' }
  | { kind: 'object'; keys: readonly string[]; fields: ReadonlyMap<string, KeyOrder>; rest: KeyOrder }
  | { kind: 'array'; element: KeyOrder }
  | { kind: 'record'; value: KeyOrder }
  | { kind: 'validated'; inner: KeyOrder }

/** Sorted keys at every level: the order used when there is no schema to follow. */
export const SORTED: KeyOrder = { kind: 'sorted' }

/** Nesting beyond this is refused with a typed error rather than a stack overflow. */
export const MAX_JSON_DEPTH = 512

interface ZodLike {
  _zod?: { def?: Record<string, unknown> & { type?: string } }
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success'])

/**
 * Derives the key order from a zod schema: declared order for objects, sorted for records
 * and anything the walker does not understand (unions, lazy schemas), which is still stable.
 */
export function keyOrderFor(schema: unknown): KeyOrder {
  const inner = structuralOrder(schema)
  return yieldsCanonicalJson(schema) ? { kind: 'validated', inner } : inner
}

function structuralOrder(schema: unknown): KeyOrder {
  const def = (schema as ZodLike | null | undefined)?._zod?.def
  if (!def) return SORTED
  switch (def.type) {
    case 'object': {
      const shape = (def['shape'] ?? {}) as Record<string, unknown>
      const fields = new Map<string, KeyOrder>()
      for (const key of Object.keys(shape)) fields.set(key, keyOrderFor(shape[key]))
      return { kind: 'object', keys: [...fields.keys()], fields, rest: def['catchall'] ? keyOrderFor(def['catchall']) : SORTED }
    }
    case 'array':
      return { kind: 'array', element: keyOrderFor(def['element']) }
    case 'record':
      return { kind: 'record', value: keyOrderFor(def['valueType']) }
    case 'pipe':
      return keyOrderFor(def['out'])
    default:
      return def.type !== undefined && WRAPPERS.has(def.type) ? keyOrderFor(def['innerType']) : SORTED
  }
}

/**
 * Returns `value` arranged for canonical output, copying only the objects whose key order must
 * change, and refuses anything JSON cannot carry faithfully (NaN, Infinity, functions, bigint,
 * class instances such as Date, absurd nesting or cycles). `what` names the value in errors.
 *
 * This runs on every save over every individual, so the common case (keys already in order, as
 * zod's output is) allocates nothing: order is checked in one pass over `Object.keys`, and the
 * path for error messages is kept in a reused array rather than built per call.
 *
 * With `validated` (the value is zod's output for the schema `order` was derived from, as a save
 * has after validation), parts the schema guarantees canonical are not walked at all.
 */
export function canonicalize(value: unknown, order: KeyOrder = SORTED, what = 'value', options: { validated?: boolean } = {}): unknown {
  const trusted = options.validated === true
  const path: (string | number)[] = []
  const fail = (depth: number, reason: string): never => {
    const at = path.slice(0, depth)
    const where = at.length === 0 ? '' : ` at ${formatPath(at)}`
    throw new InvalidJsonError(`${what}${where} cannot be stored as JSON: ${reason}`, { what, path: at, reason })
  }

  const walk = (v: unknown, given: KeyOrder, depth: number): unknown => {
    let plan = given
    if (plan.kind === 'validated') {
      if (trusted) return v
      plan = plan.inner
    }
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v
      case 'number':
        return Number.isFinite(v) ? v : fail(depth, `${v} is not a finite number`)
      case 'object':
        break
      default:
        return fail(depth, `a ${typeof v} is not JSON`)
    }
    if (v === null) return null
    // A cycle recurses until it reaches this limit, so one check covers both.
    if (depth >= MAX_JSON_DEPTH) return fail(depth, `nested deeper than ${MAX_JSON_DEPTH} levels (or it contains a cycle)`)
    if (Array.isArray(v)) return walkArray(v, plan.kind === 'array' ? plan.element : SORTED, depth)
    const proto = Object.getPrototypeOf(v) as unknown
    if (proto !== Object.prototype && proto !== null) {
      const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object'
      return fail(depth, `a ${name} instance is not plain JSON; convert it first`)
    }
    return walkObject(v as Record<string, unknown>, plan, depth)
  }

  const walkArray = (arr: readonly unknown[], element: KeyOrder, depth: number): unknown[] => {
    let out: unknown[] | null = null
    for (let i = 0; i < arr.length; i++) {
      path[depth] = i
      const item = arr[i]
      if (item === undefined) fail(depth + 1, 'undefined is not JSON')
      const next = walk(item, element, depth + 1)
      if (next !== item && out === null) out = arr.slice(0, i)
      if (out !== null) out.push(next)
    }
    return out ?? (arr as unknown[])
  }

  const walkObject = (obj: Record<string, unknown>, plan: KeyOrder, depth: number): Record<string, unknown> => {
    const keys = Object.keys(obj)
    // An own `__proto__` key (JSON.parse makes them) cannot be rebuilt faithfully: assigning it
    // sets the prototype instead. Refuse it rather than drop it silently.
    if (Object.prototype.hasOwnProperty.call(obj, '__proto__')) {
      path[depth] = '__proto__'
      fail(depth + 1, 'the key "__proto__" cannot be stored safely')
    }
    // zod's output for an object schema has exactly the declared keys, in declared order: that
    // case is told by comparing the keys with the plan's, and the fields whose values zod
    // guarantees canonical are then not visited at all (issue #14: the walk was 2 ms of a
    // 1000-persona save in a CPU profile; 0.86 -> 0.60 ms in a hot loop).
    const exact = plan.kind === 'object' && declaredExactly(obj, keys, plan)
    if (!exact && !inCanonicalOrder(obj, keys, plan)) {
      const out: Record<string, unknown> = {}
      for (const key of orderedKeys(keys.filter((k) => obj[k] !== undefined), plan)) {
        path[depth] = key
        out[key] = walk(obj[key], childOrder(plan, key), depth + 1)
      }
      return out
    }
    // Already in order: return `obj` itself unless a child changed; then a spread copy, which
    // keeps the object's shape (and so JSON.stringify's fast path), with the new children.
    let out: Record<string, unknown> | null = null
    const walked = exact && trusted ? untrustedFields(plan) : null
    for (let i = 0; i < keys.length; i++) {
      if (walked !== null && !walked[i]) continue
      const key = keys[i]!
      path[depth] = key
      const before = obj[key]
      const after = walk(before, childOrder(plan, key), depth + 1)
      if (after !== before) {
        out ??= { ...obj }
        out[key] = after
      }
    }
    return out ?? obj
  }

  return walk(value, order, 0)
}

const positions = new WeakMap<KeyOrder, Map<string, number>>()

/** Declared key → its position, computed once per plan. */
function positionsOf(plan: Extract<KeyOrder, { kind: 'object' }>): Map<string, number> {
  let map = positions.get(plan)
  if (!map) positions.set(plan, (map = new Map(plan.keys.map((k, i) => [k, i]))))
  return map
}

/** True when `keys` are exactly the plan's declared keys, in declared order, none `undefined`. */
function declaredExactly(obj: Record<string, unknown>, keys: string[], plan: Extract<KeyOrder, { kind: 'object' }>): boolean {
  const declared = plan.keys
  if (keys.length !== declared.length) return false
  for (let i = 0; i < keys.length; i++) if (keys[i] !== declared[i] || obj[keys[i]!] === undefined) return false
  return true
}

const untrusted = new WeakMap<KeyOrder, readonly boolean[]>()

/** Per declared key, in order: whether its value needs the walk even after validation. */
function untrustedFields(plan: Extract<KeyOrder, { kind: 'object' }>): readonly boolean[] {
  let flags = untrusted.get(plan)
  if (!flags) untrusted.set(plan, (flags = plan.keys.map((k) => plan.fields.get(k)?.kind !== 'validated')))
  return flags
}

/**
 * True when `keys` are already canonical: no `undefined` members, declared keys in declared
 * order, then undeclared ones sorted. One pass, no allocation.
 */
function inCanonicalOrder(obj: Record<string, unknown>, keys: string[], plan: KeyOrder): boolean {
  const declared = plan.kind === 'object' ? positionsOf(plan) : null
  let lastDeclared = -1
  let lastUndeclared: string | null = null
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    if (obj[key] === undefined) return false
    const at = declared?.get(key)
    if (at !== undefined) {
      if (at < lastDeclared || lastUndeclared !== null) return false
      lastDeclared = at
    } else {
      if (lastUndeclared !== null && !(lastUndeclared < key)) return false
      lastUndeclared = key
    }
  }
  return true
}

/** Canonical text: ordered keys, 2-space indent, trailing newline. */
export function canonicalJson(value: unknown, order: KeyOrder = SORTED, what = 'value', options: { validated?: boolean } = {}): string {
  return `${JSON.stringify(canonicalize(value, order, what, options), null, 2)}\n`
}

/** {@link canonicalJson}'s text as UTF-8 bytes, without the extra copies encoding a big string costs (see `json-bytes.ts`). */
export function canonicalJsonBytes(value: unknown, order: KeyOrder = SORTED, what = 'value', options: { validated?: boolean } & JsonBytesOptions = {}): Buffer {
  return jsonBytes(canonicalize(value, order, what, options), options)
}

/** Orders the keys whose values are defined: `undefined` members are dropped, as JSON.stringify would. */
function orderedKeys(present: string[], plan: KeyOrder): string[] {
  if (plan.kind !== 'object') return present.sort()
  const known: string[] = []
  const presentSet = new Set(present)
  for (const key of plan.keys) if (presentSet.has(key)) known.push(key)
  if (known.length === present.length) return known
  const declared = new Set(plan.keys)
  return known.concat(present.filter((k) => !declared.has(k)).sort())
}

function childOrder(plan: KeyOrder, key: string): KeyOrder {
  if (plan.kind === 'object') return plan.fields.get(key) ?? plan.rest
  if (plan.kind === 'record') return plan.value
  return SORTED
}

/** `[3, 'traits', 'openness']` → `[3].traits.openness`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? (i === 0 ? p : `.${p}`) : `[${JSON.stringify(p)}]`))
    .join('')
}
