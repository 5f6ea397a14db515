/**
 * Canonical JSON text (two-space indentation, a final newline, as `JSON.stringify(v, null, 2)`
 * writes it) straight into a Buffer, for values `canonicalize` has already arranged.
 *
 * Why not `Buffer.from(JSON.stringify(...) + '\n')`: V8 builds a stringify result as a tree of
 * string parts, and encoding it first flattens the tree into one more full copy. For a population
 * of 100,000 personas (120 MB of JSON) that is the tree, the flat copy and the bytes at once:
 * 360 MB, three times the file, the largest part of a big save's peak memory (issue #14, 6b).
 * It is also slower for a mid-sized one: flattening 1.26 MB of text (1000 personas) is a walk
 * over a tree far bigger than the caches. Arrays are therefore written a chunk of elements at a
 * time (about {@link CHUNK_BYTES} of text each) into one buffer sized from the first chunk: each
 * chunk's text is flattened on its own and dropped. 1000 personas: 3.9 ms whole, 2.9 ms chunked.
 *
 * Writing in chunks also lets a caller start on the bytes before the end is written (see
 * {@link JsonBytesOptions.progress}): a save deflates a big population while it is serialised.
 */

/** About how much text one stringify call of a chunk of array elements produces. */
export const CHUNK_BYTES = 64 << 10

/** The first chunk's element count, from which the rest are sized. */
const FIRST_CHUNK = 16

/** Options of {@link jsonBytes}. */
export interface JsonBytesOptions {
  /**
   * Called as the text is written: `bytes[0, final)` will not change any more. `bytes` may be a
   * buffer the output later outgrows; its first `final` bytes are the output's all the same.
   */
  progress?: (bytes: Buffer, final: number) => void
}

/** The bytes of `JSON.stringify(value, null, 2) + '\n'`, for a value that is canonical JSON already. */
export function jsonBytes(value: unknown, options: JsonBytesOptions = {}): Buffer {
  if (Array.isArray(value) && value.length > FIRST_CHUNK) return arrayBytes(value, options.progress)
  return withNewline(JSON.stringify(value, null, 2))
}

function withNewline(text: string): Buffer {
  const length = Buffer.byteLength(text)
  const out = Buffer.allocUnsafe(length + 1)
  out.write(text, 0, length, 'utf8')
  out[length] = 0x0a
  return out
}

/**
 * A chunk's text, `[\n  a,\n  b\n]`, has exactly the indentation its elements have in the whole
 * array's. Each chunk is written over the previous one's closing `\n]`, and its opening `[` then
 * becomes the `,` between them: `…b` `[\n  c…` → `…b,\n  c…`.
 */
function arrayBytes(items: readonly unknown[], progress: JsonBytesOptions['progress']): Buffer {
  const first = JSON.stringify(items.slice(0, FIRST_CHUNK), null, 2)
  const firstLength = Buffer.byteLength(first)
  const perItem = firstLength / FIRST_CHUNK
  const chunk = Math.max(FIRST_CHUNK, Math.round(CHUNK_BYTES / perItem))
  // Room for every element at the first chunk's average size and some more; a bigger population
  // is still written whole, by growing. The slack is cheaper than holding every element's text.
  let out = Buffer.allocUnsafe(Math.ceil(perItem * items.length * 1.06) + 65_536)
  let at = out.write(first, 0, firstLength, 'utf8')
  progress?.(out, at - 2)
  for (let i = FIRST_CHUNK; i < items.length; i += chunk) {
    const text = JSON.stringify(items.slice(i, i + chunk), null, 2)
    const length = Buffer.byteLength(text)
    const start = at - 2
    if (start + length + 1 > out.length) {
      const grown = Buffer.allocUnsafe(Math.ceil((start + length + 1) * 1.25))
      out.copy(grown, 0, 0, at)
      out = grown
    }
    out.write(text, start, length, 'utf8')
    out[start] = 0x2c // ','
    at = start + length
    progress?.(out, at - 2)
  }
  out[at] = 0x0a
  return out.subarray(0, at + 1)
}
