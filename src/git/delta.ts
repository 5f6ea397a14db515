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

/** Applies a git delta (copy-from-base and insert instructions) to `base`. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const [baseSize, afterBase] = readVarint(delta, 0)
  if (baseSize !== base.length) throw new Error(`delta expects a base of ${baseSize} bytes, found ${base.length}`)
  const [resultSize, start] = readVarint(delta, afterBase)
  const out = Buffer.allocUnsafe(resultSize)
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
      base.copy(out, o, offset, offset + size)
      o += size
    } else if (op !== 0) {
      if (i + op > delta.length || o + op > resultSize) throw new Error('delta inserts past its end')
      delta.copy(out, o, i, i + op)
      i += op
      o += op
    } else {
      throw new Error('delta has a reserved zero opcode')
    }
  }
  if (o !== resultSize) throw new Error(`delta produced ${o} bytes, expected ${resultSize}`)
  return out
}
