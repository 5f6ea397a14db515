import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BlobDeflater, EARLY_PIECES, PIECE_BYTES } from '../../src/git/blob-deflater.js'
import { deflateWorkerOnline, deflateWorkerPieces, failDeflateWorker } from '../../src/git/deflate-worker.js'
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

  it('deflates the early pieces on the worker once it is online, and in the pool when it fails', async () => {
    await deflateWorkerOnline()
    const content = jsonish(2_000_000)
    const expected = Buffer.concat([Buffer.from(`blob ${content.length}\0`), content])
    const before = deflateWorkerPieces()
    const onWorker = new BlobDeflater()
    produce(onWorker, content, [700_000, 1_400_000, 1_999_000])
    expect(inflateSync(await onWorker.deflate(content)).equals(expected)).toBe(true)
    expect(deflateWorkerPieces() - before).toBe(EARLY_PIECES)
    // A worker that dies with pieces in hand: they are deflated in the pool, nothing is lost.
    await deflateWorkerOnline()
    const orphaned = new BlobDeflater()
    produce(orphaned, content, [1_999_000])
    const handed = deflateWorkerPieces()
    failDeflateWorker()
    expect(inflateSync(await orphaned.deflate(content)).equals(expected)).toBe(true)
    expect(deflateWorkerPieces()).toBe(handed)
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

describe('the deflate worker in a process of its own', () => {
  it.each([1, 3])('never keeps a process alive: a script with %i big saves ends by itself', (saves) => {
    const dir = join(tempDir(), 'store')
    const index = resolve(import.meta.dirname, '../../dist/src/index.js')
    const data = resolve(import.meta.dirname, '../../dist/bench/data.js')
    // Generation 0 starts the worker (one save: never used), later ones find it online; then the script just ends.
    const script = `
      const { openStore, personaSchema } = await import(${JSON.stringify(index)})
      const store = await openStore({ dir: ${JSON.stringify(dir)}, schema: personaSchema, autoCompact: false })
      const { initialPopulation, nextGeneration, rng, scoresOf } = await import(${JSON.stringify(data)})
      const r = rng(5)
      let population = initialPopulation(r, 1000)
      for (let g = 0; g < ${saves}; g++) {
        if (g === ${saves - 1}) population[999] = { ...population[999], backstory: 'the last one of the run' }
        await store.saveGeneration(g, population, { scores: scoresOf(population) })
        population = nextGeneration(r, population)
        // Time for the worker to come online before the next save, not after the last one.
        if (g < ${saves - 1}) await new Promise((r) => setTimeout(r, 200))
      }
      console.log('saved')
    `
    // A file, not `node -e`: an eval'd main script let the process end even when the worker was left ref'd.
    const file = join(tempDir(), 'save.mjs')
    writeFileSync(file, script)
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 })
    expect(run.error).toBeUndefined()
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout.trim()).toBe('saved')
    execFileSync('git', ['-C', dir, 'fsck', '--strict', '--no-dangling'])
    expect(execFileSync('git', ['-C', dir, 'show', `HEAD:gen_${saves - 1}.json`], { maxBuffer: 16 << 20 }).toString()).toContain('the last one of the run')
  })
})
