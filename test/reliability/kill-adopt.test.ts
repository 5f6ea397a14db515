// Issue #15, "What the suites must cover": SIGKILL at random instants of adopting, in place, a
// directory the original Python PersonaStore wrote (`evogit init <dir>`, that is
// `openStore({ dir, adopt: true })`), its first open included. After every kill the directory is
// either untouched or a whole store, every original file is as the engine left it, and running
// `evogit init` again finishes the adopt with no hand work.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { sidecarPath } from '../../src/model/generation-id.js'
import { ok } from '../cli/run-cli.js'
import { errorOf, expectCleanRepo, git, tempDir } from '../helpers.js'
import { ensureBuilt, filesEndingWith, startWriter } from './harness.js'

/** At least 30, as issue #15 asks of every operation; raise with EVOGIT_OP_KILLS (or EVOGIT_KILLS). */
const KILLS = Math.max(30, Number(process.env['EVOGIT_OP_KILLS'] ?? process.env['EVOGIT_KILLS'] ?? 30))
/** Generations in each adopted directory: enough that most kills land between two commits. */
const GENERATIONS = 6
const ENGINE = resolve(import.meta.dirname, '../fixtures/python_engine.py')

beforeAll(ensureBuilt)

/** One file the engine wrote, as it was before any adopt. */
interface Original {
  bytes: Buffer
  mtimeNs: bigint
  oid: string
}

interface Tally {
  kills: number
  /** Kills of a second adopt run on a directory an earlier kill had interrupted. */
  resumeKills: number
  /** Adopt runs that finished before their kill instant (not counted as kills; retried). */
  finishedFirst: number
  leftNothing: number
  leftTempGit: number
  leftEmptyRepo: number
  midAdopt: number
  allCommitted: number
  lockLeft: number
  tempLeft: number
  gitLockLeft: number
  waitedForStale: number
  adopted: number
  resumed: number
  existing: number
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i)
const blobOid = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')

/** Every file in `dir` (the engine writes no subdirectories), with its bytes and mtime. */
function originalsOf(dir: string): Map<string, Original> {
  return new Map(
    readdirSync(dir).map((name) => {
      const bytes = readFileSync(join(dir, name))
      return [name, { bytes, mtimeNs: statSync(join(dir, name), { bigint: true }).mtimeNs, oid: blobOid(bytes) }]
    }),
  )
}

/** No original file was lost, changed or even touched (the mtime is what `source.modifiedAt` records). */
function expectOriginals(dir: string, originals: Map<string, Original>): void {
  for (const [name, original] of originals) {
    expect(readFileSync(join(dir, name)).equals(original.bytes), `${name} changed`).toBe(true)
    expect(statSync(join(dir, name), { bigint: true }).mtimeNs, `${name} was rewritten`).toBe(original.mtimeNs)
  }
}

/** The files each commit of HEAD's history touched, oldest first; [] for an unborn HEAD. */
function historyOf(dir: string): string[][] {
  try {
    git(dir, 'rev-parse', '-q', '--verify', 'HEAD')
  } catch {
    return []
  }
  return git(dir, 'log', '--reverse', '--format=%x00', '--name-only', 'HEAD')
    .split('\0')
    .slice(1)
    .map((files) => files.trim().split('\n').filter(Boolean).sort())
}

/** One commit per generation, in order: commit i adds generation i, its sidecar and transcript (and the stats log with the newest). */
function expectHistory(dir: string, committed: number): void {
  expect(historyOf(dir)).toEqual(
    range(0, committed).map((g) => [sidecarPath(g), `gen_${g}.json`, ...(g === GENERATIONS - 1 ? ['generation_stats.jsonl'] : []), `transcripts_gen_${g}.json`].sort()),
  )
  expect(git(dir, 'for-each-ref', '--format=%(refname)').trim()).toBe(committed > 0 ? 'refs/heads/main' : '')
}

/** HEAD's tree, path → blob id. */
function treeOf(dir: string): Map<string, string> {
  if (historyOf(dir).length === 0) return new Map()
  const lines = git(dir, 'ls-tree', '-r', 'HEAD').trim().split('\n')
  return new Map(lines.map((l) => l.split(/\s+/)).map((p) => [p[3]!, p[2]!]))
}

/**
 * Everything the kill suites check after a kill, for an adopt: a directory without `.git` is the
 * engine's directory exactly; one with `.git` opens as a store with no leftovers, `fsck --strict`
 * clean, whose history is the first generations one commit each, byte for byte, and whose
 * `git status` shows nothing but the original files not committed yet. Returns how many are.
 */
async function expectIntact(dir: string, originals: Map<string, Original>, tally: Tally, k: number): Promise<number> {
  const names = readdirSync(dir)
  if (!names.includes('.git')) {
    if (names.some((n) => n.endsWith('.evogit-tmp'))) tally.leftTempGit++
    else tally.leftNothing++
    // Not a store yet: a plain open refuses it as it is (and sweeps the dead open's temp .git).
    const err = await errorOf<{ reason: string }>(openStore({ dir }))
    expect(err.code).toBe('E_NOT_A_STORE')
    expect(err.data.reason).toBe('not empty')
    expect(readdirSync(dir).sort()).toEqual([...originals.keys()].sort())
    expectOriginals(dir, originals)
    return -1
  }
  if (existsSync(join(dir, '.git/evogit.lock'))) tally.lockLeft++
  if (filesEndingWith(dir, '.evogit-tmp').length > 0) tally.tempLeft++
  if (filesEndingWith(join(dir, '.git'), '.lock').length > 0) tally.gitLockLeft++

  const store = await openStore({ dir, lock: { staleMs: 3_000, timeoutMs: 10_000 } })
  if (existsSync(join(dir, '.git/evogit.lock'))) {
    tally.waitedForStale++
    expect((await store.verify({ repair: true })).leftovers).toEqual([])
  }
  expect(existsSync(join(dir, '.git/evogit.lock')), 'the lock outlived its dead holder').toBe(false)
  expect(filesEndingWith(dir, '.evogit-tmp')).toEqual([])
  expect(filesEndingWith(join(dir, '.git'), '.lock')).toEqual([])
  expect(existsSync(join(dir, '.git/evogit/pending.json'))).toBe(false)
  expect(git(dir, 'config', 'evogit.formatVersion').trim()).toBe('1')
  git(dir, 'fsck', '--strict', '--no-progress', '--no-dangling')

  const committed = historyOf(dir).length
  if (committed === 0) tally.leftEmptyRepo++
  else if (committed < GENERATIONS) tally.midAdopt++
  else tally.allCommitted++
  expectHistory(dir, committed)
  expect(await store.listGenerations()).toEqual(range(0, committed))
  // Each committed file is the engine's bytes; the uncommitted ones are untracked, nothing else differs.
  const tree = treeOf(dir)
  for (const [name, oid] of tree) if (!name.startsWith('.evogit/')) expect(oid, name).toBe(originals.get(name)!.oid)
  const untracked = [...originals.keys()].filter((n) => !tree.has(n) && !n.endsWith('.json.lock')).sort()
  const status = git(dir, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean)
  expect(status).toEqual(untracked.map((n) => `?? ${n}`))
  expectOriginals(dir, originals)
  if (k % 10 === 9) {
    const report = await store.verify()
    expect(report.ok, JSON.stringify(report.branches.flatMap((b) => b.problems))).toBe(true)
  }
  return committed
}

/** After the last kill of a trial: `evogit init` again finishes the adopt, and the store is whole. */
async function expectInitFinishes(dir: string, originals: Map<string, Original>, committed: number, tally: Tally): Promise<void> {
  const run = await ok(['init', dir, '--json'], { cwd: dir })
  const out = run.json<{ status: string; committed: number[]; generations: number[] }>()
  const expected = committed < 0 ? 'adopted' : committed < GENERATIONS ? 'resumed' : 'existing'
  expect(out.status).toBe(expected)
  tally[expected]++
  expect(out.committed).toEqual(range(Math.max(0, committed), GENERATIONS))
  expect(out.generations).toEqual(range(0, GENERATIONS))
  expectCleanRepo(dir)
  expectHistory(dir, GENERATIONS)
  const tree = treeOf(dir)
  for (const [name, original] of originals) if (!name.endsWith('.json.lock')) expect(tree.get(name), name).toBe(original.oid)
  expectOriginals(dir, originals)
  const store = await openStore({ dir })
  const point = await store.resume()
  expect(point?.generation).toBe(GENERATIONS - 1)
  expect(point?.population).toEqual(JSON.parse(originals.get(`gen_${GENERATIONS - 1}.json`)!.bytes.toString('utf8')))
  expect((await store.loadMetadata(0))?.source?.via).toBe('adopt')
  expect((await store.verify()).ok).toBe(true)
  // And once more changes nothing.
  await openStore({ dir, adopt: true })
  expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe(String(GENERATIONS))
}

/** Runs one adopt of `dir` and SIGKILLs it `delayMs` after it starts opening; false if it finished first. */
async function killAdopt(dir: string, delayMs: number, seed: number): Promise<{ killed: boolean; ms: number }> {
  const writer = startWriter([dir, 'adopt', String(seed)])
  await writer.waitFor('opening')
  const started = performance.now()
  await Promise.race([sleep(delayMs), writer.exited])
  writer.kill()
  const exit = await writer.exited
  // Decided after the exit: the adopt may finish between the instant and the signal.
  const finished = exit.code === 0 && writer.lines.includes('ready')
  if (!finished) expect(exit.signal, `the adopt died on its own: ${exit.stderr}`).toBe('SIGKILL')
  return { killed: !finished, ms: performance.now() - started }
}

/** A directory the original engine wrote (`v1`: the first PersonaStore; `newest`: with its filelock files), and how long one whole adopt of it takes here, now. */
async function prepare(root: string, version: 'v1' | 'newest'): Promise<{ template: string; windowMs: number }> {
  const template = join(root, `template-${version}`)
  execFileSync('python3', [ENGINE, template, '--generations', String(GENERATIONS), '--size', '4', '--version', version], { encoding: 'utf8' })
  expect(originalsOf(template).size).toBe(GENERATIONS * (version === 'v1' ? 2 : 3) + 1)
  const calibrate = join(root, `calibrate-${version}`)
  cpSync(template, calibrate, { recursive: true, preserveTimestamps: true })
  const full = await killAdopt(calibrate, 120_000, 1)
  expect(full.killed).toBe(false)
  expect(historyOf(calibrate)).toHaveLength(GENERATIONS)
  rmSync(calibrate, { recursive: true, force: true })
  return { template, windowMs: Math.max(300, full.ms * 1.1) }
}

describe('SIGKILL at random instants of adopting a PersonaStore directory in place', () => {
  it(`${KILLS} kills, first open included: the originals never change, the store always opens, and init finishes the adopt`, async () => {
    const tally: Tally = { kills: 0, resumeKills: 0, finishedFirst: 0, leftNothing: 0, leftTempGit: 0, leftEmptyRepo: 0, midAdopt: 0, allCommitted: 0, lockLeft: 0, tempLeft: 0, gitLockLeft: 0, waitedForStale: 0, adopted: 0, resumed: 0, existing: 0 }
    const root = tempDir('evogit-killadopt-')
    // Timed one after the other: the other lane's synchronous git and python calls would stall the clock.
    const sources = [await prepare(root, 'v1'), await prepare(root, 'newest')]
    const started = performance.now()
    // One lane per version of the original store.
    const lane = async (laneIndex: number, kills: number) => {
      const { template, windowMs } = sources[laneIndex]!
      let seed = 9001 + laneIndex
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
      let done = 0
      for (let trial = 0; done < kills; trial++) {
        const dir = join(root, `lane${laneIndex}-t${trial}`)
        cpSync(template, dir, { recursive: true, preserveTimestamps: true })
        // Taken from the copy: its mtimes are the template's rounded to milliseconds.
        const originals = originalsOf(dir)
        // A quarter of the first kills aim at the first open (creating and publishing .git).
        const first = await killAdopt(dir, random() < 0.25 ? random() * 150 : random() * windowMs, seed)
        if (!first.killed) {
          tally.finishedFirst++
          continue
        }
        done++
        tally.kills++
        let committed = await expectIntact(dir, originals, tally, tally.kills - 1)
        // Often the re-run that would finish it is killed too, sometimes again and again.
        while (done < kills && committed < GENERATIONS && random() < 0.6) {
          const again = await killAdopt(dir, random() * windowMs, seed)
          if (!again.killed) {
            tally.finishedFirst++
            break
          }
          done++
          tally.kills++
          tally.resumeKills++
          committed = await expectIntact(dir, originals, tally, tally.kills - 1)
        }
        // What is there now (a re-run that finished before its kill instant completed the adopt).
        await expectInitFinishes(dir, originals, existsSync(join(dir, '.git')) ? historyOf(dir).length : -1, tally)
        rmSync(dir, { recursive: true, force: true })
      }
    }
    await Promise.all([lane(0, Math.ceil(KILLS / 2)), lane(1, Math.floor(KILLS / 2))])
    const windowMs = sources.map((s) => Math.round(s.windowMs))
    console.log(`adopt kill suite: ${JSON.stringify({ ...tally, windowMs, seconds: Math.round((performance.now() - started) / 1000) })}`)
    expect(tally.kills).toBe(KILLS)
    // The kills landed inside the adopt (between its commits) and inside the first open, not only after it.
    expect(tally.midAdopt).toBeGreaterThan(0)
    expect(tally.leftNothing + tally.leftTempGit + tally.leftEmptyRepo).toBeGreaterThan(0)
    expect(tally.resumed).toBeGreaterThan(0)
  }, 600_000)
})
