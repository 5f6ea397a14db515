// Commits that native git stored as deltas against other commits, read back through the pack
// reader in the order a history walk reads them, byte for byte as git has them.
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ObjectDatabase } from '../../src/git/objects.js'
import { nodeStoreFs } from '../../src/io/fs.js'
import { git, tempDir } from '../helpers.js'

/** A fast-import stream of `count` commits on main whose messages differ only in their numbers, as a run's do. */
function similarCommits(count: number): string {
  let stream = ''
  for (let g = 0; g < count; g++) {
    const best = (0.5 + g / 1000).toFixed(6)
    const message = `generation ${g}: best ${best}, mean 0.4903 (10 individuals)\n\nGeneration: ${g}\nPopulation-Size: 10\nObjective-Direction: max\nBest-Score: ${best}\nEvogit-Stats: {"score":{"direction":"max","count":10,"failed":0,"best":${best},"min":0.21341166666666667,"max":${best},"mean":0.490349833333333,"median":0.482369833333333,"stdev":0.186573623377252}}\n`
    stream += `commit refs/heads/main\ncommitter t <t@example.com> ${1_700_000_000 + g} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`
  }
  return stream
}

describe('commits stored as deltas', () => {
  it('reads every commit of a walk, newest first, as git cat-file does', async () => {
    const dir = tempDir()
    git(dir, 'init', '-q', '-b', 'main')
    execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: similarCommits(300) })
    git(dir, 'repack', '-a', '-d', '-f', '-q', '--depth=50', '--window=50')
    const packDir = join(dir, '.git', 'objects', 'pack')
    const pack = readdirSync(packDir).find((n) => n.endsWith('.pack'))!
    // verify-pack lists a deltified object with its depth and base: make sure git made commit deltas.
    const deltas = git(dir, 'verify-pack', '-v', join(packDir, pack))
      .split('\n')
      .filter((line) => / commit /.test(line) && line.trim().split(/\s+/).length > 5)
    expect(deltas.length).toBeGreaterThan(50)
    const db = new ObjectDatabase(nodeStoreFs, join(dir, '.git'), { promises: nodeStoreFs })
    const oids = git(dir, 'rev-list', 'main').trim().split('\n')
    expect(oids).toHaveLength(300)
    // Twice: the second pass reads with the first pass's commits kept as delta bases.
    for (let pass = 0; pass < 2; pass++) {
      for (const oid of oids) {
        const content = await db.readTyped(oid, 'commit')
        expect(content.equals(execFileSync('git', ['cat-file', 'commit', oid], { cwd: dir }))).toBe(true)
      }
    }
  })
})
