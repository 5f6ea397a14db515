import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { adler32, adler32Combine, deflateObject, deflateSplit, SPLIT_DEFLATE_LIMIT } from '../../src/git/deflate.js'
import { ObjectDatabase } from '../../src/git/objects.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { tempDir } from '../helpers.js'

describe('deflate in two halves at once', () => {
  it('inflates to the input, with zlib checking the combined Adler-32', async () => {
    const text = Buffer.from(JSON.stringify(Array.from({ length: 8000 }, (_, i) => ({ i, s: randomBytes(12).toString('hex'), w: 'evolve '.repeat(i % 5) })), null, 2))
    for (const data of [text, randomBytes(SPLIT_DEFLATE_LIMIT + 1), Buffer.alloc(SPLIT_DEFLATE_LIMIT * 2 + 3), text.subarray(0, 1000)]) {
      for (const level of [1, 6]) expect(inflateSync(await deflateSplit(data, level)).equals(data)).toBe(true)
    }
  })

  it('deflates a loose object from its header and content without joining them first', async () => {
    const text = Buffer.from(JSON.stringify(Array.from({ length: 8000 }, (_, i) => ({ i, s: randomBytes(12).toString('hex') }))))
    for (const content of [text, text.subarray(0, 100), new Uint8Array(text.buffer, text.byteOffset + 7, SPLIT_DEFLATE_LIMIT + 11)]) {
      const header = Buffer.from(`blob ${content.length}\0`)
      expect(inflateSync(await deflateObject(header, content, 1)).equals(Buffer.concat([header, content]))).toBe(true)
    }
  })

  it('computes zlib’s checksums', () => {
    const a = randomBytes(70_000)
    const b = randomBytes(123_457)
    // zlib's own Adler-32 is the last four bytes of its stream.
    const zlibAdler = (d: Buffer) => deflateSync(d).readUInt32BE(deflateSync(d).length - 4)
    expect(adler32(a)).toBe(zlibAdler(a))
    expect(adler32Combine(adler32(a), adler32(b), b.length)).toBe(zlibAdler(Buffer.concat([a, b])))
  })

  it('writes big loose objects that native git reads and fsck accepts', async () => {
    const dir = join(tempDir(), 'repo')
    mkdirSync(dir)
    execFileSync('git', ['init', '-q', dir])
    const db = new ObjectDatabase(nodeStoreFs, join(dir, '.git'), {} as never)
    const content = Buffer.from(`${'[\n  {\n    "name": "persona"\n  },\n'.repeat(40_000)}]\n`)
    const oid = await db.write('blob', content)
    expect(execFileSync('git', ['-C', dir, 'cat-file', 'blob', oid], { maxBuffer: 16 << 20 }).equals(content)).toBe(true)
    writeFileSync(join(dir, 'f'), content)
    expect(execFileSync('git', ['-C', dir, 'hash-object', 'f']).toString().trim()).toBe(oid)
    execFileSync('git', ['-C', dir, 'fsck', '--strict', '--no-dangling'])
  })
})
