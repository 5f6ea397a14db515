// The pack reader and delta codec, unit-tested: deltas built by a reference encoder, REF_DELTA
// chains and 64-bit ("large") pack index offsets written by native git, checked against git.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ObjectDatabase } from '../../src/git/objects.js'
import { applyDelta } from '../../src/git/pack.js'
import { deltaResultSize } from '../../src/git/delta.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { git, tempDir } from '../helpers.js'

function varint(n: number): number[] {
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return out
}

type Op = { copy: [number, number] } | { insert: Buffer }

/** git's delta format, written from a list of copy/insert operations (the reference encoder). */
function encodeDelta(baseSize: number, resultSize: number, ops: Op[]): Buffer {
  const out = [...varint(baseSize), ...varint(resultSize)]
  for (const op of ops) {
    if ('insert' in op) {
      for (let i = 0; i < op.insert.length; i += 127) {
        const chunk = op.insert.subarray(i, i + 127)
        out.push(chunk.length, ...chunk)
      }
      continue
    }
    const [offset, size] = op.copy
    let code = 0x80
    const args: number[] = []
    for (let b = 0; b < 4; b++) {
      const v = (offset >>> (8 * b)) & 0xff
      if (v) {
        code |= 1 << b
        args.push(v)
      }
    }
    const encodedSize = size === 0x10000 ? 0 : size
    for (let b = 0; b < 3; b++) {
      const v = (encodedSize >>> (8 * b)) & 0xff
      if (v) {
        code |= 0x10 << b
        args.push(v)
      }
    }
    out.push(code, ...args)
  }
  return Buffer.from(out)
}

describe('delta application (property)', () => {
  it('rebuilds any result from any base and copy/insert script', () => {
    const script = fc.uint8Array({ minLength: 1, maxLength: 3000 }).chain((base) =>
      fc
        .array(
          fc.oneof(
            fc.integer({ min: 0, max: base.length - 1 }).chain((offset) => fc.integer({ min: 1, max: base.length - offset }).map((size): Op => ({ copy: [offset, size] }))),
            fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes): Op => ({ insert: Buffer.from(bytes) })),
          ),
          { maxLength: 20 },
        )
        .map((ops) => ({ base: Buffer.from(base), ops })),
    )
    fc.assert(
      fc.property(script, ({ base, ops }) => {
        const expected = Buffer.concat(ops.map((op) => ('insert' in op ? op.insert : base.subarray(op.copy[0], op.copy[0] + op.copy[1]))))
        expect(applyDelta(base, encodeDelta(base.length, expected.length, ops)).equals(expected)).toBe(true)
      }),
    )
  })

  it('copies of exactly 0x10000 bytes (size 0 in the encoding) and rejects deltas that lie', () => {
    const base = Buffer.alloc(0x10000 + 5, 7)
    expect(applyDelta(base, encodeDelta(base.length, 0x10000, [{ copy: [0, 0x10000] }])).length).toBe(0x10000)
    expect(() => applyDelta(base, encodeDelta(base.length + 1, 1, [{ insert: Buffer.from('x') }]))).toThrow(/base/)
    expect(() => applyDelta(base, encodeDelta(base.length, 10, [{ copy: [base.length - 2, 10] }]))).toThrow(/outside/)
    expect(() => applyDelta(base, encodeDelta(base.length, 5, [{ insert: Buffer.from('abc') }]))).toThrow(/produced/)
    expect(() => applyDelta(base, Buffer.from([...varint(base.length), 1, 0]))).toThrow(/reserved/)
  })
})

describe('delta chains (property)', () => {
  /** A random copy/insert script against a base of `size` bytes. */
  const scriptFor = (size: number) =>
    fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: size - 1 }).chain((offset) => fc.integer({ min: 1, max: Math.min(size - offset, 0x10000 + 3) }).map((n): Op => ({ copy: [offset, n] }))),
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes): Op => ({ insert: Buffer.from(bytes) })),
      ),
      { minLength: 1, maxLength: 12 },
    )
  const resultOf = (base: Buffer, ops: Op[]) => Buffer.concat(ops.map((op) => ('insert' in op ? op.insert : base.subarray(op.copy[0], op.copy[0] + op.copy[1]))))

  it('builds each link of a chain in two reused buffers, byte for byte as fresh ones', () => {
    const chain = fc.record({ base: fc.uint8Array({ minLength: 1, maxLength: 2000 }), seeds: fc.array(fc.integer(), { minLength: 1, maxLength: 9 }) })
    fc.assert(
      fc.property(chain, ({ base, seeds }) => {
        // Each script is drawn against the previous version, so the chain is a real history.
        let current: Buffer = Buffer.from(base)
        const versions: Buffer[] = []
        const deltas: Buffer[] = []
        for (const seed of seeds) {
          const [ops] = fc.sample(scriptFor(current.length), { seed, numRuns: 1 })
          const next = resultOf(current, ops!)
          deltas.push(encodeDelta(current.length, next.length, ops!))
          versions.push(next)
          current = next
        }
        // Buffers that start out too small, filled with junk: a stale byte would show.
        const buffers = [Buffer.alloc(1, 0xee), Buffer.alloc(1, 0xee)]
        let built: Buffer = Buffer.from(base)
        deltas.forEach((delta, k) => {
          const size = deltaResultSize(delta)
          expect(size).toBe(versions[k]!.length)
          if (buffers[k % 2]!.length < size) buffers[k % 2] = Buffer.alloc(size + 7, 0xee)
          built = applyDelta(built, delta, buffers[k % 2])
          expect(built.equals(versions[k]!)).toBe(true)
          expect(applyDelta(k === 0 ? Buffer.from(base) : versions[k - 1]!, delta).equals(versions[k]!)).toBe(true)
        })
      }),
    )
  })

  it('refuses a buffer too small for the result', () => {
    const base = Buffer.from('0123456789')
    const delta = encodeDelta(10, 4, [{ copy: [2, 4] }])
    expect(applyDelta(base, delta, Buffer.alloc(4)).toString()).toBe('2345')
    expect(() => applyDelta(base, delta, Buffer.alloc(3))).toThrow(/builds 4 bytes, the buffer given holds 3/)
  })
})

describe('packs written by native git', () => {
  it('reads REF_DELTA chains through a pack index with 64-bit offsets, byte for byte as git does', async () => {
    const dir = tempDir()
    git(dir, 'init', '-q', '-b', 'main')
    // Many similar versions of one file: git deltas each against another, in long chains.
    let text = Array.from({ length: 400 }, (_, i) => `line ${i}: ${'x'.repeat(i % 40)}`).join('\n')
    for (let v = 0; v < 30; v++) {
      text = text.replace(`line ${v * 7}:`, `line ${v * 7} (v${v}):`)
      writeFileSync(join(dir, 'gen.json'), `${text}\n`)
      git(dir, 'add', 'gen.json')
      git(dir, 'commit', '-q', '-m', `v${v}`)
    }
    // REF_DELTA instead of OFS_DELTA, deep chains; then re-index so every offset above 64 bytes
    // goes through the large-offset table, as in packs of 2 GiB and more.
    git(dir, '-c', 'repack.useDeltaBaseOffset=false', 'repack', '-a', '-d', '-f', '-q', '--depth=50', '--window=50')
    const packDir = join(dir, '.git', 'objects', 'pack')
    const pack = readdirSync(packDir).find((n) => n.endsWith('.pack'))!
    execFileSync('git', ['index-pack', '--index-version=2,64', '-o', join(packDir, pack.replace(/\.pack$/, '.idx')), join(packDir, pack)], { cwd: dir })
    const verbose = git(dir, 'verify-pack', '-v', join(packDir, pack))
    expect(verbose).toMatch(/chain length = [2-9]/)
    const oids = verbose
      .split('\n')
      .map((l) => /^([0-9a-f]{40}) (blob|tree|commit)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
    expect(oids.length).toBeGreaterThan(60)
    // The index really carries a large-offset table: 8 bytes per entry beyond the fixed layout.
    const count = verbose.split('\n').filter((l) => /^[0-9a-f]{40} /.test(l)).length
    const idxSize = statSync(join(packDir, pack.replace(/\.pack$/, '.idx'))).size
    expect(idxSize - (8 + 256 * 4 + count * 28 + 40)).toBeGreaterThanOrEqual(8 * (count - 2))
    // ...and REF_DELTA entries (type 7 in the entry header at each offset git lists), no OFS_DELTA (6).
    const packBytes = readFileSync(join(packDir, pack))
    const types = execFileSync('git', ['show-index'], { cwd: dir, input: readFileSync(join(packDir, pack.replace(/\.pack$/, '.idx'))) })
      .toString()
      .trim()
      .split('\n')
      .map((line) => (packBytes[Number(line.split(' ')[0])]! >> 4) & 7)
    expect(types).toContain(7)
    expect(types).not.toContain(6)
    const db = new ObjectDatabase(nodeStoreFs, join(dir, '.git'), { promises: nodeStoreFs })
    for (const [, oid, type] of oids) {
      const obj = await db.read(oid!)
      expect(obj.type).toBe(type)
      expect(obj.content.equals(execFileSync('git', ['cat-file', type!, oid!], { cwd: dir }))).toBe(true)
    }
  })
})
