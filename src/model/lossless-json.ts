import { randomBytes } from 'node:crypto'
import { getUnsafeNumberReason, isInteger, isLosslessNumber, isNumber, LosslessNumber, parse } from 'lossless-json'
import { InvalidJsonError } from '../errors/index.js'
import { formatPath, MAX_JSON_DEPTH } from './canonical-json.js'
import type { JsonValue } from './sidecar.js'

/**
 * JSON without silent changes. `JSON.parse` rounds integers beyond 2^53, keeps the last of two
 * duplicate keys, and `Buffer#toString` replaces invalid UTF-8 with U+FFFD: each of those would
 * store something other than what the user gave. `lossless-json` (a small, dependency-free,
 * well-kept parser) gives every number as its digits and refuses duplicate keys with different
 * values; this module adds strict UTF-8 decoding and the conversions the store needs.
 */

export { LosslessNumber, isLosslessNumber }

/** The value of a JSON number's digits, exact: a `bigint` for any integer, a double otherwise; `null` when `text` is no JSON number. */
export function numberOfDigits(text: string): number | bigint | null {
  if (!isNumber(text)) return null
  return isInteger(text) ? BigInt(text) : Number(text)
}

/**
 * A JSON value as the library returns `meta`: integers beyond 2^53 are `bigint`, and numbers
 * that neither a `number` nor a `bigint` holds exactly (more than 17 significant digits,
 * out of double range) are {@link LosslessNumber}s carrying their digits.
 */
export type ExactJsonValue = string | number | bigint | boolean | null | LosslessNumber | ExactJsonValue[] | { [key: string]: ExactJsonValue }

/** How numbers come out of {@link parseExactJson}. */
export type NumberMode =
  /** Every number as a {@link LosslessNumber}: digits exactly as written, `1.0` stays `1.0`. */
  | 'lossless'
  /** `number` when exact, `bigint` for larger integers, {@link LosslessNumber} otherwise. */
  | 'exact'

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Decodes UTF-8, refusing invalid bytes (with the byte offset) and a byte-order mark, instead of
 * replacing them with U+FFFD as `Buffer#toString` does.
 */
export function decodeUtf8Strict(bytes: Uint8Array, what: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new InvalidJsonError(`${what} is not valid JSON: it starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM`, { what, path: [], reason: 'byte-order mark', offset: 0 })
  }
  try {
    return decoder.decode(bytes)
  } catch {
    const offset = firstInvalidUtf8(bytes)
    throw new InvalidJsonError(`${what} is not valid UTF-8: invalid byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at byte offset ${offset}`, {
      what,
      path: [],
      reason: `invalid UTF-8 at byte ${offset}`,
      offset,
    })
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000]
    else return i
    let cp = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid too.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i
    i += need + 1
  }
  return bytes.length
}

/**
 * Parses JSON text without rounding a number or dropping a duplicate key. Syntax errors and
 * duplicate keys are {@link InvalidJsonError}s naming the byte offset and, for a top-level
 * array (a population), the element.
 */
export function parseExactJson(text: string, options: { what: string; numbers: NumberMode; element?: string }): ExactJsonValue {
  const { what } = options
  const parseNumber = options.numbers === 'lossless' ? (digits: string) => new LosslessNumber(digits) : exactNumber
  try {
    return parse(text, null, parseNumber) as ExactJsonValue
  } catch (err) {
    const message = (err as Error).message
    const position = /at position (\d+)/.exec(message)
    const offset = position ? Buffer.byteLength(text.slice(0, Number(position[1]))) : undefined
    const duplicate = /^Duplicate key '(.*)' encountered/.exec(message)
    const element = position ? topLevelElementAt(text, Number(position[1])) : null
    const where = element === null ? '' : ` in ${options.element ?? 'element'} ${element}`
    const at = offset === undefined ? '' : ` (byte offset ${offset})`
    const reason = duplicate ? `duplicate key ${JSON.stringify(duplicate[1])}${where}` : message.replace(/ at position \d+$/, '')
    throw new InvalidJsonError(`${what} is not valid JSON: ${reason}${at}`, {
      what,
      path: element === null ? [] : [element],
      reason,
      ...(offset === undefined ? {} : { offset }),
      ...(duplicate ? { key: duplicate[1]! } : {}),
    }, { cause: err })
  }
}

/** `number` when the digits are exact as one, `bigint` for larger integers, else a {@link LosslessNumber}. */
function exactNumber(digits: string): number | bigint | LosslessNumber {
  if (getUnsafeNumberReason(digits) === undefined) return Number(digits)
  if (isInteger(digits)) return BigInt(digits)
  return new LosslessNumber(digits)
}

/** Which element of a top-level array the character at `position` belongs to; `null` when the text is not an array. */
export function topLevelElementAt(text: string, position: number): number | null {
  let depth = 0
  let index = -1
  let inString = false
  for (let i = 0; i < text.length && i <= position; i++) {
    const c = text[i]!
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      continue
    }
    if (c === '"') inString = true
    else if (c === '[' || c === '{') {
      depth++
      if (depth === 1 && c !== '[') return null
      if (depth === 2 && index === -1) index = 0
    } else if (c === ']' || c === '}') depth--
    else if (c === ',' && depth === 1) index++
    else if (depth === 1 && index === -1 && !/\s/.test(c)) index = 0
  }
  return index < 0 ? null : index
}

/**
 * Replaces the exact numbers of a parsed population (or scores) by plain numbers, refusing any
 * that a JS number would change (more digits than a double holds, or out of its range) with an
 * {@link InvalidJsonError} naming the element and path: the store must never round silently.
 */
export function toPlainNumbers(value: ExactJsonValue, what: string): unknown {
  const path: (string | number)[] = []
  const walk = (v: ExactJsonValue): unknown => {
    if (typeof v === 'bigint' || isLosslessNumber(v)) {
      const digits = String(v)
      const reason = `the number ${digits} cannot be represented exactly as a JS number (${getUnsafeNumberReason(digits) ?? 'out of range'}); store it as a string`
      const where = path.length === 0 ? '' : typeof path[0] === 'number' ? ` individual ${path[0]}${path.length > 1 ? ` at ${formatPath(path.slice(1))}` : ''}` : ` at ${formatPath(path)}`
      throw new InvalidJsonError(`${what}:${where} ${reason}`, { what, path: [...path], reason })
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i)
        v[i] = walk(v[i]!) as ExactJsonValue
        path.pop()
      }
      return v
    }
    if (typeof v === 'object' && v !== null) {
      for (const key of Object.keys(v)) {
        path.push(key)
        v[key] = walk(v[key]!) as ExactJsonValue
        path.pop()
      }
    }
    return v
  }
  return walk(value)
}

/**
 * Checks a value bound for `meta`: plain JSON, plus `bigint` and {@link LosslessNumber}, which
 * are kept digit for digit. Refuses NaN, Infinity, `undefined` in arrays, functions, class
 * instances, cycles and absurd nesting with an {@link InvalidJsonError} naming the path.
 */
export function assertExactJson(value: unknown, what: string): asserts value is ExactJsonValue {
  const path: (string | number)[] = []
  const fail = (reason: string): never => {
    const where = path.length === 0 ? '' : ` at ${formatPath(path)}`
    throw new InvalidJsonError(`${what}${where} cannot be stored as JSON: ${reason}`, { what, path: [...path], reason })
  }
  const walk = (v: unknown, depth: number): void => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
      case 'bigint':
        return
      case 'number':
        if (!Number.isFinite(v)) fail(`${v} is not a finite number`)
        return
      case 'object':
        break
      default:
        fail(`a ${typeof v} is not JSON`)
    }
    if (v === null || isLosslessNumber(v)) return
    if (depth >= MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH} levels (or it contains a cycle)`)
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i)
        if (v[i] === undefined) fail('undefined is not JSON')
        walk(v[i], depth + 1)
        path.pop()
      }
      return
    }
    const proto = Object.getPrototypeOf(v) as unknown
    if (proto !== Object.prototype && proto !== null) fail(`a ${(v as { constructor?: { name?: string } }).constructor?.name ?? 'object'} instance is not plain JSON; convert it first`)
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) {
      path.push('__proto__')
      fail('the key "__proto__" cannot be stored safely')
    }
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      if (child === undefined) continue
      path.push(key)
      walk(child, depth + 1)
      path.pop()
    }
  }
  walk(value, 0)
}

/**
 * `JSON.stringify` that writes `bigint` and {@link LosslessNumber} values as their digits, exactly.
 * Everything else (key order, `toJSON`, indentation) is `JSON.stringify`'s own, which is why this
 * swaps exact numbers for unforgeable placeholders and puts the digits back in the text.
 */
export function stringifyExact(value: unknown, indent?: number): string {
  const nonce = randomBytes(9).toString('base64url')
  const tag = `\u0001${nonce}:`
  let used = false
  const text = JSON.stringify(
    value,
    function replacer(this: unknown, _key: string, v: unknown) {
      if (typeof v === 'bigint') {
        used = true
        return `${tag}${v.toString()}`
      }
      if (isLosslessNumber(v)) {
        used = true
        return `${tag}${v.value}`
      }
      return v
    },
    indent,
  ) as string | undefined
  if (text === undefined) return 'null'
  if (!used) return text
  // JSON.stringify writes U+0001 as \u0001, which no user string can produce together with the nonce.
  const escaped = `"\\u0001${nonce}:`
  return text.split(escaped).map((part, i) => (i === 0 ? part : part.replace(/^([^"]*)"/, '$1'))).join('')
}

/** Parses sidecar text as the library returns it: plain `JSON.parse` unless a number needs exact handling. */
export function parseStoredExact(text: string, what: string): ExactJsonValue {
  // 16+ digit runs or 3-digit exponents are the only spellings JSON.parse could round.
  if (!/[0-9]{16}|[eE][+-]?[0-9]{3}/.test(text)) return JSON.parse(text) as ExactJsonValue
  return parseExactJson(text, { what, numbers: 'exact' })
}

/**
 * Exact JSON as plain JSON for tables and comparisons: a number no double holds exactly (a
 * `bigint` or a `LosslessNumber`) becomes the string of its digits, so two 128-bit RNG states
 * still compare by every digit and nothing is rounded on the way to a table.
 */
export function toComparableJson(value: ExactJsonValue): JsonValue {
  if (typeof value === 'bigint' || isLosslessNumber(value)) return String(value)
  if (Array.isArray(value)) return value.map(toComparableJson)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toComparableJson(v)]))
  return value
}
