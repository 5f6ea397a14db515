/**
 * Canonical JSON text (two-space indentation, a final newline, as `JSON.stringify(v, null, 2)`
 * writes it) straight into a Buffer, for values `canonicalize` has already arranged.
 *
 * Why not `Buffer.from(JSON.stringify(...) + '\n')`: V8 builds a stringify result as a tree of
 * string parts, and encoding it first flattens the tree into one more full copy. For a population
 * of 100,000 personas (120 MB of JSON) that is the tree, the flat copy and the bytes at once:
 * 360 MB, three times the file, the largest part of a big save's peak memory (issue #14, 6b).
 * Large arrays are therefore written element by element into one buffer sized from a sample of
 * them: each element's text is flattened on its own and dropped, and the peak is about the bytes.
 */

/** Arrays with at least this many elements are written element by element (below it one stringify is faster). */
export const ELEMENTWISE_FROM = 4096

/** The bytes of `JSON.stringify(value, null, 2) + '\n'`, for a value that is canonical JSON already. */
export function jsonBytes(value: unknown): Buffer {
  if (Array.isArray(value) && value.length >= ELEMENTWISE_FROM) return arrayBytes(value)
  return withNewline(JSON.stringify(value, null, 2))
}

function withNewline(text: string): Buffer {
  const length = Buffer.byteLength(text)
  const out = Buffer.allocUnsafe(length + 1)
  out.write(text, 0, length, 'utf8')
  out[length] = 0x0a
  return out
}

function arrayBytes(items: readonly unknown[]): Buffer {
  const sample = Math.min(items.length, 256)
  let sampled = 0
  for (let i = 0; i < sample; i++) sampled += Buffer.byteLength(elementText(items[i]))
  // Room for every element at the sample's average size and some more; a bigger population is
  // still written whole, by growing once. The slack is cheaper than holding every element's text.
  let out = Buffer.allocUnsafe(Math.ceil((sampled / sample) * items.length * 1.06) + 65_536)
  let at = out.write('[\n', 0, 'latin1')
  for (let i = 0; i < items.length; i++) {
    const part = elementText(items[i])
    const need = Buffer.byteLength(part) + 4 // ",\n" before it, or "\n]\n" after the last
    if (at + need > out.length) {
      const grown = Buffer.allocUnsafe(Math.ceil((at + need) * 1.25))
      out.copy(grown, 0, 0, at)
      out = grown
    }
    if (i > 0) at += out.write(',\n', at, 'latin1')
    at += out.write(part, at, 'utf8')
  }
  at += out.write('\n]\n', at, 'latin1')
  return out.subarray(0, at)
}

/**
 * An element's text as it appears in the whole array's: stringified inside a one-element array it
 * gets exactly that indentation, and the "[\n" and "\n]" around it are sliced off.
 */
function elementText(item: unknown): string {
  const one = JSON.stringify([item], null, 2)
  return one.slice(2, one.length - 2)
}
