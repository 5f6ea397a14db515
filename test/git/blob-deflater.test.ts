import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BlobDeflater, EARLY_PIECES, PIECE_BYTES } from '../../src/git/blob-deflater.js'
import { HARD_COMPRESSION_LIMIT, ObjectDatabase } from '../../src/git/objects.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { tempDir } from '../helpers.js'

/** Text like a population's, compressible but not uniform. */
function jsonish(size: number): Buffer {
  const parts: string[] = []
  let n = 0
  for (let i = 0; n < size; i++) {
    const part = `  {\n    "id": ${i},\n    "note": "${randomBytes(8 + (i % 13)).toString('hex')}",\n    "words": "${'evolve '.repeat(i % 9)}"\n  },\n`
    parts.push(part)
    n += part.length
  }
  return Buffer.from(parts.join('')).subarray(0, size)
}

/** Shows `content` to a deflater as a producer would: growing prefixes, from buffer copies that later outgrow. */
function produce(deflater: BlobDeflater, content: Buffer, cuts: number[]): void {
  for (const cut of cuts) {
    // A copy with junk past the final bytes, as jsonBytes' buffer has unfinished text there.
    const buffer = Buffer.concat([content.subarray(0, cut), Buffer.from('junk that is overwritten later')])
    deflater.progress(buffer, cut)
  }
}

describe('BlobDeflater', () => {
  it('deflates pieces shown while the content is produced into one zlib stream of the loose object', async () => {
    const header = (n: number) => Buffer.from(`blob ${n}\0`)
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 * 1024 * 1024 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), async (size, fractions) => {
        const content = jsonish(size)
        const cuts = fractions.map((f) => Math.floor(f * (size - 1))).sort((a, b) => a - b)
        const deflater = new BlobDeflater()
        produce(deflater, content, cuts)
        const deflated = await deflater.deflate(content)
        // zlib checks the combined Adler-32 as it inflates.
        expect(inflateSync(deflated).equals(Buffer.concat([header(size), content]))).toBe(true)
        // The same call again gives the same result; nothing is deflated twice.
        expect(await deflater.deflate(content)).toBe(deflated)
      }),
      { numRuns: 25 },
    )
  })

  it('leaves a blob within the hard-compression limit to the ordinary deflate, at its level', async () => {
    const content = jsonish(HARD_COMPRESSION_LIMIT)
    const deflater = new BlobDeflater()
    produce(deflater, content, [PIECE_BYTES, HARD_COMPRESSION_LIMIT - 1])
    expect((await deflater.deflate(content)).equals(await ObjectDatabase.deflate('blob', content))).toBe(true)
  })

  it('starts pieces early only past the limit, and at most EARLY_PIECES of them', async () => {
    const content = jsonish(HARD_COMPRESSION_LIMIT + PIECE_BYTES * (EARLY_PIECES + 4))
    const deflater = new BlobDeflater()
    const pieces = (deflater as unknown as { pieces: unknown[] }).pieces
    deflater.progress(content, HARD_COMPRESSION_LIMIT)
    expect(pieces).toHaveLength(0)
    deflater.progress(content, content.length - 1)
    expect(pieces).toHaveLength(EARLY_PIECES)
    expect(inflateSync(await deflater.deflate(content)).subarray(-content.length).equals(content)).toBe(true)
  })

  it('writes a blob that native git reads, hashes alike and fsck accepts', async () => {
    const dir = join(tempDir(), 'repo')
    mkdirSync(dir)
    execFileSync('git', ['init', '-q', dir])
    const db = new ObjectDatabase(nodeStoreFs, join(dir, '.git'), {} as never)
    const content = jsonish(1_300_000)
    const deflater = new BlobDeflater()
    produce(deflater, content, [600_000, 900_000, 1_200_000])
    const oid = ObjectDatabase.hash('blob', content)
    await db.writeDeflated(oid, deflater.deflate(content))
    expect(execFileSync('git', ['-C', dir, 'cat-file', 'blob', oid], { maxBuffer: 16 << 20 }).equals(content)).toBe(true)
    execFileSync('git', ['-C', dir, 'fsck', '--strict', '--no-dangling'])
  })
})
