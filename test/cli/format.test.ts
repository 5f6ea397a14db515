import { CommanderError } from 'commander'
import { describe, expect, it } from 'vitest'
import { GenerationExistsError, InvalidPopulationError, RefNotFoundError, StoreLockedError } from '../../src/index.js'
import { EXIT_CODES, exitCodeFor } from '../../src/cli/exit-codes.js'
import { createStyle, shouldColor, visibleWidth } from '../../src/cli/format/color.js'
import { fieldPath, renderDiff } from '../../src/cli/format/diff.js'
import { describeError } from '../../src/cli/format/errors.js'
import { formatDelta, formatScore, inlineValue } from '../../src/cli/format/numbers.js'
import { relativeTime } from '../../src/cli/format/relative-time.js'
import { sparkline } from '../../src/cli/format/sparkline.js'
import { renderTable } from '../../src/cli/format/table.js'
import { createProgress } from '../../src/cli/progress.js'
import { generationSpecArgument, fromArgument } from '../../src/cli/input.js'
import type { PopulationDiff } from '../../src/index.js'

describe('sparkline', () => {
  it('maps the lowest value to the lowest bar and the highest to the highest, gaps to spaces', () => {
    expect(sparkline({ values: [0, 0.5, 1] })).toBe('▁▅█')
    expect(sparkline({ values: [3, null, 1, 2] })).toBe('█ ▁▅')
    expect(sparkline({ values: [2, 2, 2] })).toBe('▁▁▁')
    expect(sparkline({ values: [] })).toBe('')
  })

  it('folds long series into `width` buckets, keeping each bucket\'s best', () => {
    const values = Array.from({ length: 100 }, (_, i) => i)
    const line = sparkline({ values, width: 10 })
    expect([...line]).toHaveLength(10)
    expect(line.at(-1)).toBe('█')
    expect(line[0]).toBe('▁')
  })
})

describe('relativeTime', () => {
  const now = new Date('2026-01-01T12:00:00Z')
  it('says how long ago, through date-fns', () => {
    expect(relativeTime({ time: '2026-01-01T11:57:00Z', now })).toBe('3 minutes ago')
    expect(relativeTime({ time: '2025-12-30T12:00:00Z', now })).toBe('2 days ago')
    expect(relativeTime({ time: '2026-01-01T12:00:30Z', now })).toBe('in 30 seconds')
    expect(relativeTime({ time: 'not a date', now })).toBe('unknown time')
  })
})

describe('renderTable', () => {
  it('aligns columns by visible width, ignoring color codes', () => {
    const style = createStyle(true)
    const out = renderTable({ columns: [{ header: 'gen', align: 'right' }, { header: 'commit' }], rows: [['7', style.dim('abc1234')], ['12', 'def5678']] })
    // eslint-disable-next-line no-control-regex
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).toBe('gen  commit\n  7  abc1234\n 12  def5678\n')
    expect(visibleWidth(style.red('▁▂▃'))).toBe(3)
  })
})

describe('numbers', () => {
  it('formats scores, deltas and values for people', () => {
    expect([formatScore(0.123456), formatScore(null), formatScore(3)]).toEqual(['0.1235', '—', '3'])
    expect([formatDelta(0.25), formatDelta(-1), formatDelta(0)]).toEqual(['+0.25', '-1', '±0'])
    expect(inlineValue('x'.repeat(100), 10)).toBe(`"${'x'.repeat(8)}…`)
    expect(inlineValue(undefined)).toBe('(absent)')
  })
})

describe('renderDiff', () => {
  it('lists added, removed and changed individuals with their changed fields and the stats movement', () => {
    const diff: PopulationDiff<unknown> = {
      from: { ref: 'main', generation: 1, commit: 'a'.repeat(40) },
      to: { ref: 'exp', generation: 2, commit: 'b'.repeat(40) },
      key: 'name',
      added: [{ key: 'Eve', individual: {} }],
      removed: [{ key: 'Bob', individual: {} }],
      changed: [{ key: 'Ann', fields: [{ path: ['personality_traits', 'openness'], old: 0.1, new: 0.3 }, { path: ['hobbies', 1], old: undefined, new: 'chess' }] }],
      unchanged: 4,
      matchedBy: 'key',
      lineage: null,
      note: null,
      stats: {
        score: {
          from: { direction: 'max', count: 6, failed: 0, best: 0.5, min: 0, max: 0.5, mean: 0.25, median: 0.2, stdev: 0.1 },
          to: { direction: 'max', count: 6, failed: 0, best: 0.75, min: 0, max: 0.75, mean: 0.25, median: 0.2, stdev: 0.1 },
          direction: 'max',
          improved: true,
          delta: { best: 0.25, max: 0.25, mean: 0 },
        },
        cost: {
          from: { direction: 'min', count: 6, failed: 0, best: 2, min: 2, max: 9, mean: 5, median: 5, stdev: 1 },
          to: { direction: 'min', count: 5, failed: 1, best: 3, min: 3, max: 9, mean: 6, median: 6, stdev: 1 },
          direction: 'min',
          improved: false,
          delta: { best: 1, max: 0, mean: 1, failed: 1 },
        },
      },
      meta: [{ path: ['settings', 'mutationRate'], old: 0.2, new: 0.9 }],
    }
    expect(renderDiff({ diff, style: createStyle(false) })).toBe(
      [
        'main:1 (aaaaaaa) → exp:2 (bbbbbbb)  individuals matched by name',
        '  + Eve',
        '  - Bob',
        '  ~ Ann',
        '      personality_traits.openness: 0.1 → 0.3',
        '      hobbies[1]: (absent) → "chess"',
        '1 added, 1 removed, 1 changed, 4 unchanged',
        'score ↑: best 0.5 → 0.75 (+0.25, better), mean 0.25 → 0.25 (±0)',
        'cost ↓: best 2 → 3 (+1, worse), mean 5 → 6 (+1), failed 0 → 1',
        'meta: 1 key differs',
        '  meta.settings.mutationRate: 0.2 → 0.9',
        '',
      ].join('\n'),
    )
    expect(fieldPath([])).toBe('(whole individual)')
  })
})

describe('describeError', () => {
  it('gives every category its own exit code from one table', () => {
    const codes = Object.values(EXIT_CODES)
    expect(new Set(codes).size).toBe(codes.length)
    expect(describeError(new RefNotFoundError('no branch named "x"', { ref: 'x' })).exitCode).toBe(exitCodeFor('not-found'))
    expect(describeError(new StoreLockedError('locked', { dir: '/s' })).exitCode).toBe(exitCodeFor('locked'))
    expect(describeError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toMatchObject({ code: 'E_USAGE', exitCode: exitCodeFor('usage'), message: "unknown option '--x'" })
    expect(describeError(new TypeError('boom'))).toMatchObject({ code: 'E_INTERNAL', exitCode: 1 })
  })

  it('names what was wrong and what to do next', () => {
    const exists = describeError(new GenerationExistsError('x', { generation: 7, branch: 'main', commit: 'c'.repeat(40) }))
    expect(exists.message).toBe('generation 7 already exists on branch main')
    expect(exists.hint).toMatch(/^use --overwrite.*or branch first/)
    const invalid = describeError(new InvalidPopulationError('x', { issues: [{ index: 3, path: ['personality_traits', 'openness'], message: 'Too big: expected number to be <=1' }] }))
    expect(invalid.message).toContain('individual 3, field personality_traits.openness: Too big')
    expect(invalid.exitCode).toBe(exitCodeFor('invalid-data'))
  })
})

describe('color and arguments', () => {
  it('colors only terminals, honours NO_COLOR over FORCE_COLOR', () => {
    expect(shouldColor({ isTTY: true, env: {} })).toBe(true)
    expect(shouldColor({ isTTY: false, env: {} })).toBe(false)
    expect(shouldColor({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false)
    expect(shouldColor({ isTTY: true, env: { NO_COLOR: '' } })).toBe(true)
    expect(shouldColor({ isTTY: false, env: { FORCE_COLOR: '1', NO_COLOR: 'yes' } })).toBe(false)
    expect(createStyle(false).red('x')).toBe('x')
  })

  it('parses N and ref:N, splitting at the last colon', () => {
    expect(generationSpecArgument('4')).toBe(4)
    expect(generationSpecArgument('high-mutation:12')).toEqual({ ref: 'high-mutation', generation: 12 })
    expect(() => generationSpecArgument('main:x')).toThrow(/generation id/)
    expect(() => generationSpecArgument('-1')).toThrow(/generation id/)
    expect(fromArgument('main')).toBe('main')
    expect(fromArgument('v1:3')).toEqual({ ref: 'v1', generation: 3 })
  })
})

describe('plain progress lines', () => {
  it('prints the first update, at most one a second, and always the last', () => {
    let t = 0
    const lines: string[] = []
    const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream
    const p = createProgress({ label: 'importing', stream, tty: false, now: () => t })
    for (let i = 1; i <= 5; i++) {
      t += 600
      p.update(i, 5, `generation ${i - 1}`)
    }
    p.stop()
    expect(lines).toEqual(['importing: 1/5 (generation 0)\n', 'importing: 3/5 (generation 2)\n', 'importing: 5/5 (generation 4)\n'])
  })
})
