/**
 * parseTrailers reads trailers with index scans instead of regexes (compare calls it once per
 * commit); it must give exactly what the regex version gave, written out here as the reference.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatCommitMessage, parseTrailers } from '../../src/model/commit-message.js'
import { summarizeAll } from '../../src/model/stats.js'

function referenceTrailers(message: string): Map<string, string> {
  const paragraphs = message.replace(/\s+$/, '').split(/\n[ \t]*\n/)
  const out = new Map<string, string>()
  if (paragraphs.length < 2) return out
  const parsed: [string, string][] = []
  for (const line of paragraphs[paragraphs.length - 1]!.split('\n')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line)
    if (!match) return out
    parsed.push([match[1]!, match[2]!.trim()])
  }
  for (const [k, v] of parsed) out.set(k, v)
  return out
}

describe('parseTrailers', () => {
  it('agrees with the regex reading on messages built from the characters that matter', () => {
    const char = fc.constantFrom('\n', '\n', '\n', ' ', '\t', '\r', ':', ':', '-', 'K', 'e', 'y', '0', '9', 'v', '_', '.', '\u00a0', '\u2028', '\ufeff', 'é')
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), (chars) => {
        const message = chars.join('')
        expect([...parseTrailers(message)], JSON.stringify(message)).toEqual([...referenceTrailers(message)])
      }),
      { numRuns: 20_000 },
    )
  })

  it('agrees on trailer-shaped messages, where most lines are trailers', () => {
    const line = fc.oneof(
      fc.tuple(fc.constantFrom('Generation', 'Best-Score', 'K', '9x', '-bad', 'a b'), fc.constantFrom(':', ': ', ':\t', ' :'), fc.constantFrom('1', ' 0.5 ', '', 'x\r', 'a\u2028b', '{"a":1}')).map(([k, c, v]) => `${k}${c}${v}`),
      fc.constantFrom('', ' ', '\t', 'subject', 'body text'),
    )
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.constantFrom('', '\n', '\n\n', ' \n\t'), (lines, tail) => {
        const message = `${lines.join('\n')}${tail}`
        expect([...parseTrailers(message)], JSON.stringify(message)).toEqual([...referenceTrailers(message)])
      }),
      { numRuns: 20_000 },
    )
  })

  it('reads the trailers the store writes, later keys winning', () => {
    const message = formatCommitMessage({ generation: 7, populationSize: 3, stats: summarizeAll({ score: [0.25, 0.5, 0.75] }) })
    const trailers = parseTrailers(message)
    expect(trailers.get('Generation')).toBe('7')
    expect(trailers.get('Population-Size')).toBe('3')
    expect(JSON.parse(trailers.get('Evogit-Stats')!)).toMatchObject({ score: { best: 0.75, mean: 0.5 } })
    expect(parseTrailers('s\n\nA: 1\nA: 2\n').get('A')).toBe('2')
    expect(parseTrailers('only a subject\nA: 1\n').size).toBe(0)
  })
})
