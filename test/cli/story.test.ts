import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ArchivedTip, BranchSummary, LogEntry, PopulationDiff, SaveResult, VerifyReport } from '../../src/index.js'
import { expectCleanRepo, git, population, tempDir } from '../helpers.js'
import { ok, writeJson } from './run-cli.js'

type Options = { cwd: string; env: Record<string, string> }

/**
 * What evogit says the history is (every branch's log, plus every archived tip's) must be exactly
 * what native `git log --all --oneline` shows: the same commits, with the same subjects.
 */
async function expectGitAgrees(dir: string, o: Options): Promise<void> {
  const { branches } = (await ok(['branch', '--json'], o)).json<{ branches: BranchSummary[] }>()
  const { archives } = (await ok(['archive', '--json'], o)).json<{ archives: ArchivedTip[] }>()
  const said = new Map<string, string>()
  for (const ref of [...branches.map((b) => b.name), ...archives.map((a) => a.ref)]) {
    const { entries } = (await ok(['log', '--ref', ref, '--json'], o)).json<{ entries: LogEntry[] }>()
    for (const e of entries) said.set(e.commit.slice(0, 7), e.subject)
  }
  for (const b of branches) expect(b.commit).toBe(git(dir, 'rev-parse', `refs/heads/${b.name}`).trim())
  const current = branches.find((b) => b.current)
  expect(current?.name).toBe(git(dir, 'symbolic-ref', '--short', 'HEAD').trim())
  const oneline = git(dir, 'log', '--all', '--oneline', '--abbrev=7').trim().split('\n')
  const native = new Map(oneline.map((line) => [line.slice(0, 7), line.slice(8)]))
  expect(new Map([...said].sort())).toEqual(new Map([...native].sort()))
}

function genFiles(dir: string): number[] {
  return readdirSync(dir)
    .filter((n) => /^gen_\d+\.json$/.test(n))
    .map((n) => Number(n.slice(4, -5)))
    .sort((a, b) => a - b)
}

describe('the evogit binary, one whole story', () => {
  it('init, three saves, log, diff, branch, two saves on the branch, checkout, rollback, archive restore, verify', async () => {
    const root = tempDir('evogit-cli-story-')
    const dir = join(root, 'store')
    const o: Options = { cwd: root, env: { EVOGIT_DIR: dir } }

    const init = (await ok(['init', '--json'], o)).json()
    expect(init).toEqual({ dir, status: 'created', branch: 'main', generations: [], committed: [], modified: [] })

    const save = async (generation: number, offset: number, best: number) => {
      const pop = population(4, offset)
      const file = writeJson(root, `pop${generation}-${offset}.json`, pop)
      const scores = writeJson(root, `scores${generation}-${offset}.json`, [best, best / 2, best / 4, 0])
      const meta = writeJson(root, `meta${generation}.json`, { seed: 42, generation })
      const saved = (await ok(['save', String(generation), file, '--scores', scores, '--meta', meta, '--schema', 'persona', '--json'], o)).json<SaveResult>()
      expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(saved.commit)
      expect(git(dir, 'log', '-1', '--format=%s').trim()).toMatch(new RegExp(`^generation ${generation}: best ${best}, mean [0-9.]+ \\(4 individuals\\)$`))
      expect(saved.stats.score?.mean).toBe((best * 1.75) / 4)
      return saved
    }
    const main0 = await save(0, 0, 0.5)
    const main1 = await save(1, 1, 0.75)
    const main2 = await save(2, 2, 0.875)
    expect([main0.branch, main1.branch, main2.branch]).toEqual(['main', 'main', 'main'])

    const log = (await ok(['log', '--json'], o)).json<{ ref: string; entries: LogEntry[] }>()
    expect(log.ref).toBe('main')
    expect(log.entries.map((e) => e.commit)).toEqual(git(dir, 'log', '--format=%H', 'main').trim().split('\n'))
    const table = (await ok(['log'], o)).stdout
    for (const saved of [main0, main1, main2]) expect(table).toContain(saved.commit.slice(0, 7))
    expect(table).toMatch(/best [▁▂▃▄▅▆▇█]{3}\s+0\.5 → 0\.875/)
    expect(table).toMatch(/ago/)

    // Generation 1 holds personas 1..4, generation 2 personas 2..5: matched by name.
    const diff = (await ok(['diff', '1', 'main:2', '--json'], o)).json<PopulationDiff<{ name: string }>>()
    expect(diff.key).toBe('name')
    expect(diff.added.map((a) => a.key)).toEqual(['Persona 5'])
    expect(diff.removed.map((r) => r.key)).toEqual(['Persona 1'])
    expect(diff.from.commit).toBe(main1.commit)
    expect(diff.to.commit).toBe(main2.commit)
    const diffText = (await ok(['diff', '1', '2'], o)).stdout
    expect(diffText).toContain('+ Persona 5')
    expect(diffText).toContain('- Persona 1')
    expect(diffText).toMatch(/score ↑: best 0\.75 → 0\.875 \(\+0\.125, better\)/)

    const created = (await ok(['branch', 'exp', '--from', '1', '--json'], o)).json<BranchSummary>()
    expect(created.commit).toBe(main1.commit)
    expect(git(dir, 'rev-parse', 'refs/heads/exp').trim()).toBe(main1.commit)
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main')
    await ok(['checkout', 'exp'], o)
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('exp')
    expect(genFiles(dir)).toEqual([0, 1])
    const exp2 = await save(2, 10, 0.25)
    const exp3 = await save(3, 11, 0.5)
    expect([exp2.branch, exp3.branch]).toEqual(['exp', 'exp'])
    expect(exp2.parent).toEqual({ generation: 1, commit: main1.commit })
    expectCleanRepo(dir)
    await expectGitAgrees(dir, o)
    expect(git(dir, 'log', '--all', '--oneline').trim().split('\n')).toHaveLength(5)

    const checkout = await ok(['checkout', 'main'], o)
    expect(checkout.stdout).toMatch(/^Switched to branch main \([0-9a-f]{7}\)/)
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main')
    expect(genFiles(dir)).toEqual([0, 1, 2])
    expectCleanRepo(dir)

    const rolled = (await ok(['rollback', '1', '--json'], o)).json<{ commit: string; archived: ArchivedTip }>()
    expect(rolled.commit).toBe(main1.commit)
    expect(git(dir, 'rev-parse', 'refs/heads/main').trim()).toBe(main1.commit)
    expect(rolled.archived.commit).toBe(main2.commit)
    expect(git(dir, 'rev-parse', rolled.archived.ref).trim()).toBe(main2.commit)
    expect((await ok(['list'], o)).stdout).toBe('0\n1\n')
    expect(genFiles(dir)).toEqual([0, 1])
    expectCleanRepo(dir)
    // The rolled-back generation is still in git's history, under the archive ref.
    expect(git(dir, 'log', '--all', '--oneline')).toContain(main2.commit.slice(0, 7))
    await expectGitAgrees(dir, o)

    const { archives } = (await ok(['archive', '--json'], o)).json<{ archives: ArchivedTip[] }>()
    expect(archives.map((a) => a.commit)).toEqual([main2.commit])
    expect((await ok(['archive'], o)).stdout).toContain(archives[0]!.id)
    const restored = (await ok(['archive', 'restore', archives[0]!.id, '--json'], o)).json<{ branch: string; commit: string }>()
    expect(restored).toMatchObject({ branch: 'main', commit: main2.commit })
    expect(git(dir, 'rev-parse', 'refs/heads/main').trim()).toBe(main2.commit)
    expect((await ok(['list'], o)).stdout).toBe('0\n1\n2\n')
    expect(genFiles(dir)).toEqual([0, 1, 2])
    expectCleanRepo(dir)
    await expectGitAgrees(dir, o)

    const verify = await ok(['verify', '--json'], o)
    const report = verify.json<VerifyReport>()
    expect(report.ok).toBe(true)
    expect(report.branches.map((b) => [b.branch, b.commit, b.generations, b.problems])).toEqual([
      ['exp', git(dir, 'rev-parse', 'refs/heads/exp').trim(), 4, []],
      ['main', main2.commit, 3, []],
    ])
    expect(report.leftovers).toEqual([])
    expect(verify.stderr).toMatch(/verifying: 4\/4 \(exp\)\n(.*\n)*verifying: 3\/3 \(main\)\n$/)
    expect((await ok(['verify'], o)).stdout).toMatch(/^OK: checked 7 generations on 2 branches/)
    git(dir, 'fsck', '--strict', '--no-progress')
  }, 180_000)
})
