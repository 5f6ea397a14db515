// Packs are read in 1 MiB windows: entries that cross a window's end, windows evicted and read
// again, and a pack of several windows read back object by object as git has it.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ObjectDatabase } from '../../src/git/objects.js'
import { PackWindows, WINDOW_BYTES } from '../../src/git/pack-window.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { git, tempDir } from '../helpers.js'

describe('pack windows', () => {
  it('give the file bytes for any range, within a window, across windows and at the end, with eviction', async () => {
    const path = join(tempDir(), 'some.pack')
    const bytes = randomBytes(3 * WINDOW_BYTES + 12_345)
    writeFileSync(path, bytes)
    // Room for two windows: reading across three evicts, and later reads read windows again.
    const windows = new PackWindows(nodeStoreFs, 2 * WINDOW_BYTES)
    const pack = { packPath: path, packSize: bytes.length }
    const ranges: [number, number][] = [
      [0, 32],
      [WINDOW_BYTES - 10, 32],
      [WINDOW_BYTES - 1, 2 * WINDOW_BYTES + 2],
      [5, 100],
      [3 * WINDOW_BYTES, 12_345],
      [bytes.length - 20, 64],
      [2 * WINDOW_BYTES + 7, 1],
      [0, bytes.length],
    ]
    for (const [offset, length] of ranges) {
      const { buf, start } = await windows.read(pack, 0, offset, length)
      const end = Math.min(offset + length, bytes.length)
      expect(buf.subarray(start, start + end - offset).equals(bytes.subarray(offset, end)), `${offset}+${length}`).toBe(true)
    }
  })

  it('fail with the pack named when it is shorter than its index says, and read it once it is whole', async () => {
    const path = join(tempDir(), 'short.pack')
    writeFileSync(path, randomBytes(100))
    const windows = new PackWindows(nodeStoreFs)
    await expect(windows.read({ packPath: path, packSize: 200 }, 0, 150, 32)).rejects.toThrow(/short\.pack/)
    const whole = randomBytes(200)
    writeFileSync(path, whole)
    const { buf, start } = await windows.read({ packPath: path, packSize: 200 }, 0, 150, 32)
    expect(buf.subarray(start, start + 32).equals(whole.subarray(150, 182))).toBe(true)
  })

  it('read every object of a pack of several windows as git cat-file does', async () => {
    const dir = tempDir()
    git(dir, 'init', '-q', '-b', 'main')
    // Incompressible blobs of 300-700 KB, so entries keep landing across window ends, and small
    // text files that git stores as deltas of each other.
    for (let i = 0; i < 12; i++) {
      writeFileSync(join(dir, `big_${i}.bin`), randomBytes(300_000 + i * 37_000))
      writeFileSync(join(dir, `gen_${i}.json`), `${JSON.stringify(Array.from({ length: 200 }, (_, j) => ({ id: j, score: (i * j) % 17 })), null, 2)}\n`)
      git(dir, 'add', '-A')
      git(dir, 'commit', '-q', '-m', `generation ${i}`)
    }
    git(dir, 'repack', '-a', '-d', '-q')
    const packDir = join(dir, '.git', 'objects', 'pack')
    const packs = readdirSync(packDir).filter((n) => n.endsWith('.pack'))
    expect(packs).toHaveLength(1)
    expect(readFileSync(join(packDir, packs[0]!)).length).toBeGreaterThan(4 * WINDOW_BYTES)
    const db = new ObjectDatabase(nodeStoreFs, join(dir, '.git'), { promises: nodeStoreFs })
    const listed = git(dir, 'cat-file', '--batch-all-objects', '--batch-check').trim().split('\n')
    expect(listed.length).toBeGreaterThan(40)
    for (const line of listed) {
      const [oid, type] = line.split(' ') as [string, string]
      const content = await db.readTyped(oid, type as 'blob' | 'tree' | 'commit')
      expect(content.equals(execFileSync('git', ['cat-file', type, oid], { cwd: dir, maxBuffer: 1 << 26 })), `${type} ${oid}`).toBe(true)
    }
  })
})
