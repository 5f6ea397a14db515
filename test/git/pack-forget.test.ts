// A read under way while a compaction replaces the packs must not leave behind a cache entry that
// answers a later read of another pack: every pack's first object sits at the same offset (12).
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PackReader } from '../../src/git/pack.js'
import { nodeStoreFs, type StoreFs } from '../../src/io/fs.js'
import { git, tempDir } from '../helpers.js'

/** Writes `text` as a blob and packs it alone; returns the blob's id. */
function packOneBlob(dir: string, text: string): string {
  const oid = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: text }).toString().trim()
  execFileSync('git', ['pack-objects', '-q', '.git/objects/pack/pack'], { cwd: dir, input: `${oid}\n` })
  return oid
}

describe('PackReader.forget during a read', () => {
  it('keeps what the interrupted read caches apart from the packs listed afterwards', async () => {
    const dir = tempDir()
    git(dir, 'init', '-q')
    const first = packOneBlob(dir, 'the first pack holds this blob\n')
    const packDir = join(dir, '.git/objects/pack')

    // Reads of pack windows wait for `release`, after the file is open (a deleted pack stays readable).
    let release!: () => void
    const gate = new Promise<void>((done) => (release = done))
    let reading!: () => void
    const started = new Promise<void>((done) => (reading = done))
    const gated: StoreFs = {
      ...nodeStoreFs,
      open: (async (...args: Parameters<StoreFs['open']>) => {
        const handle = await nodeStoreFs.open(...args)
        const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<unknown>
        return Object.assign(handle, {
          read: async (...a: unknown[]) => {
            reading()
            await gate
            return read(...a)
          },
        })
      }),
    }
    const reader = new PackReader(gated, join(dir, '.git'), () => Promise.reject(new Error('no external bases here')))

    const pending = reader.read(first)
    await started
    // A compaction replaces the pack meanwhile: the old one is deleted and a new one holds another blob.
    for (const name of readdirSync(packDir)) rmSync(join(packDir, name))
    const second = packOneBlob(dir, 'the pack that replaced it holds another blob\n')
    reader.forget()
    release()

    expect((await pending)?.content.toString()).toBe('the first pack holds this blob\n')
    const after = await reader.read(second)
    expect(after?.type).toBe('blob')
    expect(after?.content.toString()).toBe('the pack that replaced it holds another blob\n')
  })
})
