import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CompareResult } from '../../src/index.js'
import { ok } from '../cli/run-cli.js'
import { expectCleanRepo, git, tempDir } from '../helpers.js'

const example = join(import.meta.dirname, '..', '..', 'dist', 'examples', 'evolve.js')

function evolve(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [example, '--dir', dir, ...args], { encoding: 'utf8' })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** Per generation on a branch, from native git alone: the Evogit-Stats trailer of its newest commit. */
function nativeStats(dir: string, branch: string): Map<number, Record<string, { min: number; max: number; mean: number; direction?: string }>> {
  const out = new Map<number, Record<string, { min: number; max: number; mean: number; direction?: string }>>()
  const text = git(dir, 'log', '--first-parent', '--format=%(trailers:key=Generation,valueonly,separator=)%x09%(trailers:key=Evogit-Stats,valueonly,separator=)', branch)
  for (const line of text.trim().split('\n')) {
    const [g, stats] = line.split('\t')
    if (!out.has(Number(g))) out.set(Number(g), JSON.parse(stats!) as Record<string, { min: number; max: number; mean: number }>)
  }
  return out
}

describe('the whole story: run, branch with other settings, compare, export', () => {
  it('forks high-mutation and seed-2 from main with the example, and compare, export and native git agree', async () => {
    const dir = join(tempDir(), 'persona_data')
    expect(evolve(dir, '--generations', '5').code).toBe(0)

    const fork = evolve(dir, '--branch', 'high-mutation', '--from', '2', '--mutation-rate', '0.9', '--generations', '4')
    expect(fork.code, fork.stderr).toBe(0)
    expect(fork.stdout).toContain('settings changed: mutationRate 0.2 → 0.9')
    expect(fork.stdout).toContain('generation   3')
    // The fork really evolved differently from generation 3 on.
    expect(git(dir, 'show', 'high-mutation:gen_3.json')).not.toBe(git(dir, 'show', 'main:gen_3.json'))
    expect(git(dir, 'show', 'high-mutation:gen_2.json')).toBe(git(dir, 'show', 'main:gen_2.json'))

    // A plain run continues the branch with its own settings; a flag equal to them is no error.
    const again = evolve(dir, '--generations', '2', '--mutation-rate', '0.9')
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('resuming')
    expect(again.stdout).toContain('branch high-mutation')
    expect(again.stdout).not.toContain('settings changed')
    expect(JSON.parse(git(dir, 'show', 'high-mutation:.evogit/meta/0/8.json'))).toMatchObject({ meta: { settings: { mutationRate: 0.9 } } })
    // The population size is fixed for a run: a coded refusal, and nothing saved.
    const refused = evolve(dir, '--population', '30', '--generations', '1')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('E_INVALID_OVERRIDE')
    expect(git(dir, 'rev-list', '--count', 'high-mutation').trim()).toBe('9')

    const seed = evolve(dir, '--branch', 'seed-2', '--from', '2', '--seed', '2', '--generations', '3')
    expect(seed.code, seed.stderr).toBe(0)
    expect(seed.stdout).toContain('settings changed: seed 7 → 2')

    // Native git shows where the settings changed.
    const changed = git(dir, 'log', '--all', '--format=%(trailers:key=Generation,valueonly,separator=)|%(trailers:key=Settings-Changed,valueonly,separator=;)').trim().split('\n')
    expect(changed.filter((l) => !l.endsWith('|')).sort()).toEqual(['3|mutationRate 0.2→0.9', '3|seed 7→2'])

    const cmp = (await ok(['--dir', dir, 'compare', '--json', '--target', 'score>=0.77'], { cwd: dir })).json<CompareResult>()
    expect(cmp.rows.map((r) => r.name)).toEqual(['high-mutation', 'main', 'seed-2'])
    expect(cmp.metaKeys).toEqual(expect.arrayContaining(['meta.settings.mutationRate', 'meta.settings.seed']))
    const byName = Object.fromEntries(cmp.rows.map((r) => [r.name, r]))
    expect(byName['main']).toMatchObject({ forkedFrom: null, latestGeneration: 4, populationSize: 24, meta: { 'meta.settings.mutationRate': 0.2, 'meta.settings.seed': 7 } })
    expect(byName['high-mutation']).toMatchObject({ forkedFrom: { row: 'main', generation: 2 }, latestGeneration: 8, meta: { 'meta.settings.mutationRate': 0.9, 'meta.settings.seed': 7 } })
    expect(byName['seed-2']).toMatchObject({ forkedFrom: { row: 'main', generation: 2 }, latestGeneration: 5, meta: { 'meta.settings.mutationRate': 0.2, 'meta.settings.seed': 2 } })
    // Bests, recomputed from native git's trailers with each objective's own direction.
    for (const row of cmp.rows) {
      const stats = nativeStats(dir, row.name)
      expect(row.generations).toBe(stats.size)
      for (const [name, o] of Object.entries(row.objectives)) {
        const min = [...stats.values()].some((s) => s[name]?.direction === 'min')
        expect(o.direction).toBe(min ? 'min' : 'max')
        const bests = [...stats.entries()].sort((a, b) => a[0] - b[0]).map(([g, s]) => [g, min ? s[name]!.min : s[name]!.max] as const)
        const best = min ? Math.min(...bests.map((b) => b[1])) : Math.max(...bests.map((b) => b[1]))
        expect(o.best).toBe(best)
        expect(o.bestGeneration).toBe(bests.find((b) => b[1] === best)![0])
        expect(o.latestBest).toBe(bests.at(-1)![1])
        expect(o.latestMean).toBe(stats.get(row.latestGeneration!)![name]!.mean)
      }
      const reached = [...stats.entries()].sort((a, b) => a[0] - b[0]).find(([, s]) => s['score']!.max >= 0.77)
      expect(row.targetGeneration).toBe(reached ? reached[0] : null)
    }

    const grouped = (await ok(['--dir', dir, 'compare', '--json', '--group-by', 'meta.seed'], { cwd: dir })).json<CompareResult>()
    expect(grouped.groups!.map((g) => [g.members, g.values, g.shared])).toEqual([
      [['high-mutation'], [7], { 'meta.settings.mutationRate': 0.9 }],
      [['main', 'seed-2'], [7, 2], { 'meta.settings.mutationRate': 0.2 }],
    ])
    const pair = [byName['main']!.objectives['score']!.best!, byName['seed-2']!.objectives['score']!.best!]
    expect(grouped.groups![1]!.objectives['score']!.best.mean).toBeCloseTo((pair[0]! + pair[1]!) / 2, 12)
    const text = (await ok(['--dir', dir, 'compare', '--group-by', 'meta.seed'], { cwd: dir })).stdout
    expect(text).toContain(' ± ')

    await ok(['--dir', dir, 'export', '--ref', 'main', '--ref', 'high-mutation', '--ref', 'seed-2', '--fields', 'name,personality_traits.openness', '-o', join(dir, '..', 'all.csv')], { cwd: dir })
    const script = [
      'import csv, json, subprocess, sys',
      'rows = list(csv.DictReader(open(sys.argv[1], newline="")))',
      'bad = 0',
      'for r in rows:',
      '    g = int(r["generation"])',
      '    side = json.loads(subprocess.check_output(["git", "show", "%s:.evogit/meta/%d/%d.json" % (r["commit"], g // 100, g)], cwd=sys.argv[2]))',
      '    pop = json.loads(subprocess.check_output(["git", "show", "%s:gen_%d.json" % (r["commit"], g)], cwd=sys.argv[2]))',
      '    i = int(r["index"])',
      '    bad += float(r["score"]) != side["scores"]["score"][i] or r["name"] != pop[i]["name"] or float(r["personality_traits.openness"]) != pop[i]["personality_traits"]["openness"]',
      'print(json.dumps({"rows": len(rows), "bad": bad, "branches": sorted(set(r["branch"] for r in rows))}))',
    ].join('\n')
    const checked = JSON.parse(execFileSync('python3', ['-c', script, join(dir, '..', 'all.csv'), dir], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { rows: number; bad: number; branches: string[] }
    expect(checked).toEqual({ rows: (5 + 9 + 6) * 24, bad: 0, branches: ['high-mutation', 'main', 'seed-2'] })

    expect(git(dir, 'branch', '--format=%(refname:short)').trim().split('\n').sort()).toEqual(['high-mutation', 'main', 'seed-2'])
    expectCleanRepo(dir)
  }, 240_000)
})
