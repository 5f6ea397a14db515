/**
 * Which zod schemas produce output that is already canonical JSON, so that the canonical walk
 * (key order, JSON-ability) can skip a value zod has just produced. Saving 1000 personas spent
 * about a fifth of its serialisation re-checking strings and arrays of strings that zod had
 * already checked and built in schema order (issue #14).
 */

interface ZodLike {
  _zod?: { def?: Record<string, unknown> & { type?: string } }
}

/** Where a value sits: an object property may be absent (`undefined`), an array element may not. */
type Position = 'property' | 'value'

const LEAVES = new Set(['string', 'number', 'boolean', 'null'])
const PASS_THROUGH = new Set(['nullable', 'readonly', 'nonoptional'])

function isJsonScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
}

/**
 * True when every value zod's parse of `schema` can return is plain JSON in canonical form:
 * finite numbers only (zod 4's `z.number()` refuses NaN and ±Infinity), plain objects built in
 * shape order with no undeclared keys (`z.object`, `z.strictObject`), no `undefined` except as an
 * absent property (which `JSON.stringify` drops exactly as the walk does), and nothing with a
 * prototype. Conservative: anything it does not know (records, `z.custom`, catch-alls, defaults,
 * transforms, lazy or recursive schemas, dates, bigints) is `false`, and is walked as before.
 */
export function yieldsCanonicalJson(schema: unknown, position: Position = 'value', depth = 0): boolean {
  const def = (schema as ZodLike | null | undefined)?._zod?.def
  if (!def || depth > 64) return false
  const type = def.type ?? ''
  if (LEAVES.has(type)) return true
  switch (type) {
    case 'enum':
      return Object.values((def['entries'] ?? {}) as Record<string, unknown>).every(isJsonScalar)
    case 'literal':
      return ((def['values'] ?? []) as unknown[]).every(isJsonScalar)
    case 'array':
      return yieldsCanonicalJson(def['element'], 'value', depth + 1)
    case 'object': {
      const catchall = def['catchall'] as ZodLike | undefined
      if (catchall !== undefined && catchall._zod?.def?.type !== 'never') return false
      const shape = (def['shape'] ?? {}) as Record<string, unknown>
      // An own `__proto__` key is refused by the walk; leave such a schema to it.
      if (Object.prototype.hasOwnProperty.call(shape, '__proto__')) return false
      return Object.values(shape).every((field) => yieldsCanonicalJson(field, 'property', depth + 1))
    }
    case 'optional':
      return position === 'property' && yieldsCanonicalJson(def['innerType'], position, depth + 1)
    case 'union':
      return ((def['options'] ?? []) as unknown[]).every((option) => yieldsCanonicalJson(option, position, depth + 1))
    case 'pipe':
      // The output is whatever `out` parsed; a transform there is not a schema we know.
      return yieldsCanonicalJson(def['out'], position, depth + 1)
    default:
      return PASS_THROUGH.has(type) && yieldsCanonicalJson(def['innerType'], position, depth + 1)
  }
}
