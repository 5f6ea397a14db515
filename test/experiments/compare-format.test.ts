import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { createStyle } from '../../src/cli/format/color.js'
import { comparisonMatrix, formatSpread, groupsMatrix, renderMatrix } from '../../src/cli/format/compare.js'
import { csvLine, markdownTable } from '../../src/cli/format/csv.js'
import { buildComparison, type CompareSource } from '../../src/model/compare.js'
import { groupComparison } from '../../src/model/compare-group.js'
import { summarize } from '../../src/model/stats.js'

const style = createStyle(false)
const src = (name: string, rate: number, seed: number, best: number): CompareSource => ({
  name,
  kind: 'branch',
  commit: 'a'.repeat(40),
  forkedFrom: name === 'main' ? null : { branch: 'main', generation: 2, commit: 'b'.repeat(40) },
  points: [{ generation: 3, populationSize: 24, stats: { score: summarize([best, 0.1]) } }],
  meta: { settings: { mutationRate: rate, seed, note: 'a, "b"' } },
})

describe('compare output formats', () => {
  const cmp = buildComparison({ sources: [src('main', 0.2, 7, 0.7), src('high-mutation', 0.9, 7, 0.123456789), src('seed-2', 0.2, 2, 0.8)], target: { objective: 'score', op: '>=', value: 0.75, text: 'score>=0.75' } })

  it('prints an aligned table with direction arrows, fork rows and differing settings', () => {
    const text = renderMatrix({ matrix: comparisonMatrix(cmp), format: 'table', style })
    const lines = text.split('\n')
    expect(lines[0]).toMatch(/^name +forked from +gen +size +score↑ best +score best@ +score latest +score mean +first score>=0.75 +meta.settings.mutationRate +meta.settings.seed$/)
    expect(lines[2]).toMatch(/^high-mutation +main:2 +3 +24 +0.1235 +3 +0.1235 +0.1117 +— +0.9 +7$/)
    expect(lines[3]).toMatch(/^seed-2 +main:2 +3 +24 +0.8 +3 +0.8 +0.45 +3 +0.2 +2$/)
  })

  it('transposes, and writes CSV that python3 reads back at full precision, and Markdown', () => {
    const transposed = renderMatrix({ matrix: comparisonMatrix(cmp), format: 'table', transpose: true, style }).split('\n')
    expect(transposed[0]).toMatch(/^name +main +high-mutation +seed-2$/)
    expect(transposed.find((l) => l.startsWith('score↑ best'))).toMatch(/0\.7 +0\.1235 +0\.8$/)
    const csv = renderMatrix({ matrix: comparisonMatrix(cmp), format: 'csv', style })
    const parsed = JSON.parse(execFileSync('python3', ['-c', 'import csv,sys,json; print(json.dumps(list(csv.reader(sys.stdin))))'], { input: csv, encoding: 'utf8' })) as string[][]
    expect(parsed[0]).toContain('score↑ best')
    expect(parsed[2]![parsed[0]!.indexOf('score↑ best')]).toBe('0.123456789')
    expect(parsed[2]![parsed[0]!.indexOf('first score>=0.75')]).toBe('')
    const md = renderMatrix({ matrix: comparisonMatrix(cmp), format: 'md', style })
    expect(md.split('\n')[1]).toMatch(/^\| --- \| --- \|/)
    expect(markdownTable(['a|b'], [['x\ny']])).toBe('| a\\|b |\n| --- |\n| x y |\n')
    expect(csvLine(['a, "b"', null, 1.5, true])).toBe('"a, ""b""",,1.5,true\r\n')
  })

  it('prints groups as mean ± stdev', () => {
    const groups = groupComparison(cmp, 'meta.seed')
    const text = renderMatrix({ matrix: groupsMatrix(cmp, groups), format: 'table', style }).split('\n')
    expect(text[0]).toMatch(/^meta.settings.seed +rows +meta.settings.mutationRate +gen +score↑ best +score latest +score mean +first score>=0.75$/)
    expect(text[1]).toMatch(/^7, 2 +2 +0.2 +3 ± 0 +0.75 ± 0.07071 /)
    expect(text[2]).toMatch(/^7 +1 +0.9 +3 +0.1235 /)
    expect(formatSpread({ mean: null, stdev: null, n: 0 })).toBe('—')
  })
})
