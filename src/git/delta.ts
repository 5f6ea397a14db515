/**
 * git's delta format (`pack-format.txt`, "Deltified representation"): a base size, a result
 * size, then copy-from-base and insert instructions. Pure: the pack reader hands it bytes.
 */

function readVarint(delta: Buffer, start: number): [number, number] {
  let value = 0
  let shift = 0
  let i = start
  let c: number
  do {
    c = delta[i++]!
    value += (c & 0x7f) * 2 ** shift
    shift += 7
  } while (c & 0x80)
  return [value, i]
}

/**
 * Below this many bytes a copy is a plain loop. git deltas a population file against its next
 * version in thousands of copies of 4 to 32 bytes (the numbers that changed lie everywhere), and
 * a `Buffer.copy` call into C++ costs more than such a copy: an old generation of 1000 personas,
 * 24 deltas deep, took 16 ms to build with a call per piece and 8.5 ms with this loop.
 */
const LOOP_BELOW = 64

function copyBytes(from: Buffer, start: number, length: number, to: Buffer, at: number): void {
  if (length >= LOOP_BELOW) {
    from.copy(to, at, start, start + length)
    return
  }
  for (let k = 0; k < length; k++) to[at + k] = from[start + k]!
}

/** The size of what `delta` builds, from its header. */
export function deltaResultSize(delta: Buffer): number {
  return readVarint(delta, readVarint(delta, 0)[1])[0]
}

/**
 * Applies a git delta (copy-from-base and insert instructions) to `base`. With `into` (at least
 * {@link deltaResultSize} bytes, not overlapping `base`) the result is built there and returned
 * as a view of it: the links of a delta chain that nobody keeps then reuse two buffers instead
 * of each allocating, and page-faulting in, a new one the size of the file.
 */
export function applyDelta(base: Buffer, delta: Buffer, into?: Buffer): Buffer {
  const [baseSize, afterBase] = readVarint(delta, 0)
  if (baseSize !== base.length) throw new Error(`delta expects a base of ${baseSize} bytes, found ${base.length}`)
  const [resultSize, start] = readVarint(delta, afterBase)
  if (into && into.length < resultSize) throw new Error(`delta builds ${resultSize} bytes, the buffer given holds ${into.length}`)
  const out = into ? into.subarray(0, resultSize) : Buffer.allocUnsafe(resultSize)
  let o = 0
  let i = start
  while (i < delta.length) {
    const op = delta[i++]!
    if (op & 0x80) {
      let offset = 0
      let size = 0
      if (op & 0x01) offset = delta[i++]!
      if (op & 0x02) offset += delta[i++]! * 0x100
      if (op & 0x04) offset += delta[i++]! * 0x10000
      if (op & 0x08) offset += delta[i++]! * 0x1000000
      if (op & 0x10) size = delta[i++]!
      if (op & 0x20) size += delta[i++]! * 0x100
      if (op & 0x40) size += delta[i++]! * 0x10000
      if (size === 0) size = 0x10000
      if (offset + size > base.length || o + size > resultSize) throw new Error('delta copies outside its base or result')
      copyBytes(base, offset, size, out, o)
      o += size
    } else if (op !== 0) {
      if (i + op > delta.length || o + op > resultSize) throw new Error('delta inserts past its end')
      copyBytes(delta, i, op, out, o)
      i += op
      o += op
    } else {
      throw new Error('delta has a reserved zero opcode')
    }
  }
  if (o !== resultSize) throw new Error(`delta produced ${o} bytes, expected ${resultSize}`)
  return out
}
