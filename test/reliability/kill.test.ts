import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { git, tempDir } from '../helpers.js'
import { ensureBuilt, filesEndingWith, populationOf, startWriter } from './harness.js'

/** At least 100, as the reliability guarantees promise; raise it locally with EVOGIT_KILLS. */
const KILLS = Math.max(100, Number(process.env['EVOGIT_KILLS'] ?? 100))

beforeAll(ensureBuilt)

describe('SIGKILL at random instants', () => {
  it(`never loses a returned save and leaves nothing half-done (${KILLS} kills during save, overwrite, branch, checkout, rollback)`, async () => {
    const tally = { kills: 0, saves: 0, ops: 0, interruptedSaves: 0, interruptedCommitted: 0, interruptedOps: 0, lockLeft: 0, tempLeft: 0, journalLeft: 0, gitLockLeft: 0, waitedForStale: 0 }
    // Two stores, killed in turn by two lanes: one child starts up while the other lane checks.
    const lane = async (laneIndex: number, kills: number) => {
    const dir = join(tempDir(), `store-${laneIndex}`)
    await openStore({ dir })
    /** Every save that returned: commit → what it wrote. */
    const acked = new Map<string, { gen: number; blob: string }>()
    let seed = 12345 + laneIndex
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)

    for (let k = 0; k < kills; k++) {
      const writer = startWriter([dir, 'kill', String(1000 + k * 2 + laneIndex)])
      if (random() < 0.15) {
        // Early: while it opens the store, which may be repairing after the previous kill.
        await Promise.race([sleep(120 + random() * 300), writer.exited])
      } else {
        await writer.waitFor('done ')
        await sleep(random() * 40)
      }
      writer.child.kill('SIGKILL')
      const exit = await writer.exited
      expect(exit.signal, `writer ${k} died on its own: ${exit.stderr}`).toBe('SIGKILL')
      tally.kills++

      // What the crash left behind, before anyone repairs it.
      if (existsSync(join(dir, '.git/evogit.lock'))) tally.lockLeft++
      if (filesEndingWith(dir, '.evogit-tmp').length > 0) tally.tempLeft++
      if (existsSync(join(dir, '.git/evogit/pending.json'))) tally.journalLeft++
      if (existsSync(join(dir, '.git/index.lock')) || filesEndingWith(join(dir, '.git/refs'), '.lock').length > 0) tally.gitLockLeft++

      let pending: { gen: number; variant: number; blob: string } | null = null
      for (const line of writer.lines) {
        const [kind, a, b, c] = line.split(' ')
        if (kind === 'begin') pending = { gen: Number(a), variant: Number(b), blob: c! }
        if (kind === 'done') {
          acked.set(b!, { gen: Number(a), blob: c! })
          tally.saves++
          pending = null
        }
        if (kind === 'op-done') tally.ops++
      }
      const last = writer.lines.at(-1) ?? ''
      if (last.startsWith('op ')) tally.interruptedOps++

      // The next process opens the store (repairing on open) ...
      const store = await openStore({ dir, lock: { staleMs: 3_000, timeoutMs: 10_000 } })
      if (existsSync(join(dir, '.git/evogit.lock'))) {
        // ... which takes over a dead writer's lock at once. Should a lock only be known abandoned
        // once it goes stale, the next write (here: verify --repair) takes it over and repairs.
        tally.waitedForStale++
        const report = await store.verify({ repair: true })
        expect(report.leftovers).toEqual([])
      }
      expect(existsSync(join(dir, '.git/evogit.lock'))).toBe(false)
      expect(filesEndingWith(dir, '.evogit-tmp')).toEqual([])
      expect(filesEndingWith(join(dir, '.git'), '.lock')).toEqual([])
      expect(existsSync(join(dir, '.git/evogit/pending.json'))).toBe(false)
      expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
      git(dir, 'fsck', '--strict', '--no-progress', '--no-dangling')

      // Every save that returned is still reachable and byte-identical.
      const reachable = new Set(git(dir, 'rev-list', '--all').trim().split('\n'))
      for (const commit of acked.keys()) expect(reachable.has(commit), `commit ${commit} was lost`).toBe(true)
      const query = [...acked].map(([commit, { gen }]) => `${commit}:gen_${gen}.json`).join('\n')
      const blobs = execFileSync('git', ['cat-file', '--batch-check=%(objectname)'], { cwd: dir, input: query + '\n', encoding: 'utf8' }).trim().split('\n')
      expect(blobs).toEqual([...acked.values()].map((a) => a.blob))

      // The interrupted save is all or nothing: population and sidecar together, and the right content.
      const head = git(dir, 'rev-parse', 'HEAD').trim()
      const names = git(dir, 'ls-tree', '-r', '--name-only', 'HEAD').trim().split('\n')
      const gens = names.filter((n) => /^gen_\d+\.json$/.test(n)).map((n) => Number(n.slice(4, -5)))
      const sidecars = names.filter((n) => n.startsWith('.evogit/meta/')).map((n) => Number(n.split('/').at(-1)!.slice(0, -5)))
      expect(sidecars.sort((x, y) => x - y)).toEqual(gens.sort((x, y) => x - y))
      if (pending) {
        tally.interruptedSaves++
        const now = gens.includes(pending.gen) ? git(dir, 'rev-parse', `HEAD:gen_${pending.gen}.json`).trim() : null
        if (now === pending.blob) {
          tally.interruptedCommitted++
          expect((await store.loadMetadata(pending.gen))!.meta).toEqual({ variant: pending.variant })
        }
      }
      // The newest generation reads back through the library exactly as the writer made it.
      const newest = gens.at(-1)
      if (newest !== undefined) {
        const variant = ((await store.loadMetadata(newest))!.meta as { variant: number }).variant
        expect(await store.loadGeneration(newest)).toEqual(populationOf(newest, variant))
      }
      expect(head).toMatch(/^[0-9a-f]{40}$/)
      if (k % 25 === 24 || k === kills - 1) {
        const report = await store.verify()
        expect(report.ok, JSON.stringify(report.branches.flatMap((b) => b.problems))).toBe(true)
      }
    }
    }
    await Promise.all([lane(0, Math.ceil(KILLS / 2)), lane(1, Math.floor(KILLS / 2))])
    console.log(`kill test: ${JSON.stringify(tally)}`)
    expect(tally.kills).toBe(KILLS)
    // The writers made real progress between kills (how much depends on the machine's load).
    expect(tally.saves).toBeGreaterThan(KILLS / 4)
  }, 300_000)
})
