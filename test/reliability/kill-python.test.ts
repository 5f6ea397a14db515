import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { BIN } from '../cli/run-cli.js'
import { git, tempDir } from '../helpers.js'
import { ensureBuilt, filesEndingWith } from './harness.js'

/** At least 30 kills per operation in CI; raise it with EVOGIT_PYTHON_KILLS. */
const KILLS = Math.max(30, Number(process.env['EVOGIT_PYTHON_KILLS'] ?? 30))

beforeAll(ensureBuilt)

let seed = 4242
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)

/** Files as the original engine writes them: indent 2, no trailing newline, a transcript, a stats line. */
function engineWrites(dir: string, generation: number): void {
  const population = Array.from({ length: 8 }, (_, i) => ({ name: `P${i} \u3055`, age: 20 + i, score: 1.0, generation, genome: Array.from({ length: 20 }, (_, j) => (i * j) / 7) }))
  const json = JSON.stringify(population, null, 2).replace(/"\u3055"/g, '"\\u3055"').replace(/(\d)(,?\n)/g, '$1$2')
  writeFileSync(join(dir, `gen_${generation}.json`), json)
  writeFileSync(join(dir, `transcripts_gen_${generation}.json`), JSON.stringify([{ said: `hello ${generation}` }], null, 2))
  appendFileSync(join(dir, 'generation_stats.jsonl'), `${JSON.stringify({ generation, best: 1.0 })}\n`)
}

/** What every kill must leave: an openable store, no leftovers after open, ordinary git, each generation whole. */
async function expectRecovered(dir: string, tally: Record<string, number>, companions = true): Promise<void> {
  if (existsSync(join(dir, '.git/evogit.lock'))) tally.lockLeft = (tally.lockLeft ?? 0) + 1
  if (filesEndingWith(dir, '.evogit-tmp').length > 0) tally.tempLeft = (tally.tempLeft ?? 0) + 1
  const store = await openStore({ dir, lock: { staleMs: 3_000, timeoutMs: 10_000 } })
  if (existsSync(join(dir, '.git/evogit.lock'))) expect((await store.verify({ repair: true })).leftovers).toEqual([])
  expect(existsSync(join(dir, '.git/evogit.lock'))).toBe(false)
  expect(filesEndingWith(dir, '.evogit-tmp')).toEqual([])
  expect(filesEndingWith(join(dir, '.git'), '.lock')).toEqual([])
  git(dir, 'fsck', '--strict', '--no-progress', '--no-dangling')
  // Every committed generation is the engine's file byte for byte, with its sidecar: all or nothing.
  let hasHead = true
  try {
    git(dir, 'rev-parse', '--verify', '-q', 'HEAD')
  } catch {
    hasHead = false
  }
  const tree = hasHead ? git(dir, 'ls-tree', '-r', 'HEAD').trim().split('\n').filter(Boolean).map((l) => l.split(/\s+/)) : []
  const names = tree.map((t) => t[3]!)
  const oids = new Map(tree.map((t) => [t[3]!, t[2]!]))
  const gens = names.filter((n) => /^gen_\d+\.json$/.test(n)).map((n) => Number(n.slice(4, -5)))
  const sidecars = names.filter((n) => n.startsWith('.evogit/meta/')).map((n) => Number(n.split('/').at(-1)!.slice(0, -5)))
  expect(sidecars.sort((a, b) => a - b)).toEqual(gens.sort((a, b) => a - b))
  for (const g of gens) {
    const bytes = readFileSync(join(dir, `gen_${g}.json`))
    const oid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
    expect(oids.get(`gen_${g}.json`), `gen_${g}.json`).toBe(oid)
    if (companions) expect(names).toContain(`transcripts_gen_${g}.json`)
  }
  // Finishing by hand is one `add`: nothing is half-committed, and then git status is clean.
  await store.commitWorkingFiles()
  expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
}

/** Runs the command, SIGKILLs it after `delayMs` unless it exits first, and says which happened and when. */
async function killAt(args: string[], dir: string, delayMs: number): Promise<{ killed: boolean; ms: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, [BIN, ...args, '--dir', dir], { stdio: 'ignore', env: { ...process.env, HOME: dir } })
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)))
  await Promise.race([sleep(delayMs), exited])
  const ms = performance.now() - started
  child.kill('SIGKILL')
  return { killed: (await exited) === 'SIGKILL', ms }
}

describe('SIGKILL during the operations for Python engines', () => {
  for (const op of ['add', 'watch'] as const) {
    it(`${op}: ${KILLS} kills mid-operation leave every generation all or nothing, and re-running finishes it`, async () => {
      const dir = join(tempDir(), 'store')
      await openStore({ dir })
      const tally: Record<string, number> = { kills: 0, exitedFirst: 0 }
      let next = 0
      // `add` finishes on its own: once it has, kills land within the time a whole run took, so they
      // hit the operation instead of spending the suite on runs that were never interrupted.
      let windowMs = 1750
      while (tally.kills! < KILLS) {
        for (let i = 0; i < 3; i++) engineWrites(dir, next++)
        const args = op === 'add' ? ['add'] : ['watch', '--interval', '20', '--settle', '20']
        const { killed, ms } = await killAt(args, dir, Math.min(250, windowMs / 4) + random() * windowMs)
        if (killed) tally.kills!++
        else {
          tally.exitedFirst!++
          windowMs = Math.max(200, Math.min(windowMs, ms))
        }
        await expectRecovered(dir, tally)
      }
      console.log(`kill test (${op}): ${JSON.stringify({ ...tally, windowMs: Math.round(windowMs) })}, ${next} generations`)
      expect(Number(git(dir, 'rev-list', '--count', 'HEAD').trim())).toBe(next)
    }, 600_000)
  }

  it(`serve: ${KILLS} kills mid-request never lose an answered save`, async () => {
    const dir = join(tempDir(), 'store')
    await openStore({ dir })
    const acked = new Map<string, { gen: number; blob: string }>()
    const tally = { kills: 0, answered: 0 }
    let next = 0
    while (tally.kills < KILLS) {
      const child = spawn(process.execPath, [BIN, 'serve', '--stdio', '--dir', dir], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, HOME: dir } })
      const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_c, signal) => done(signal)))
      let buffered = ''
      let answers = 0
      const want = 1 + Math.floor(random() * 4)
      const enough = new Promise<void>((done) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          buffered += d
          let nl: number
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const response = JSON.parse(buffered.slice(0, nl)) as { result?: { generation: number; commit: string; blob: string } }
            buffered = buffered.slice(nl + 1)
            if (response.result) acked.set(response.result.commit, { gen: response.result.generation, blob: response.result.blob })
            if (++answers >= want) done()
          }
        })
      })
      const base = next
      for (let i = 0; i < 8; i++) {
        const population = Array.from({ length: 24 }, (_, j) => ({ id: j, g: base + i, genome: [j / 3, i] }))
        child.stdin.write(`${JSON.stringify({ id: i, method: 'save', params: { generation: base + i, population, meta: { i } } })}\n`)
      }
      await Promise.race([enough, exited])
      await sleep(random() * 30)
      child.kill('SIGKILL')
      expect(await exited).toBe('SIGKILL')
      tally.kills++
      tally.answered += answers
      await expectRecovered(dir, {}, false)
      next = (await (await openStore({ dir })).listGenerations()).at(-1)! + 1
      const reachable = new Set(git(dir, 'rev-list', '--all').trim().split('\n'))
      for (const [commit, { gen, blob }] of acked) {
        expect(reachable.has(commit), `answered save ${commit} was lost`).toBe(true)
        expect(git(dir, 'rev-parse', `${commit}:gen_${gen}.json`).trim()).toBe(blob)
      }
    }
    console.log(`kill test (serve): ${JSON.stringify(tally)}`)
    expect(tally.answered).toBeGreaterThanOrEqual(KILLS)
  }, 600_000)
})
