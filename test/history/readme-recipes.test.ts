import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, personaSchema } from '../../src/index.js'
import { formatNumber } from '../../src/model/number-format.js'
import { summarize } from '../../src/model/stats.js'
import { fixedClock, population, tempDir } from '../helpers.js'

/** The shell commands of the README's "Reviewing a run with git" section, in order. */
function recipes(): string[] {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')
  const section = readme.split('## Reviewing a run with git')[1]!.split('\n## ')[0]!
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!
  return block.split('\n').filter((line) => line.startsWith('git '))
}

describe('README: reviewing a run with git', () => {
  it('every recipe works on a real store and shows what it promises', async () => {
    const dir = tempDir()
    const store = await openStore({ dir, schema: personaSchema, clock: fixedClock() })
    for (let g = 0; g < 5; g++) {
      const pop = population(3, 0).map((p, i) => (i === 0 ? { ...p, age: 30 + g } : p))
      await store.saveGeneration(g, pop, { scores: [0.1 * g, 0.2, 0.3] })
    }
    await store.branch('exp', { from: 2, checkout: true })
    await store.saveGeneration(3, population(3, 7), { scores: [0.9, 0.8, 0.7] })
    await store.checkout('main')
    const commands = recipes()
    expect(commands).toHaveLength(5)
    const run = (command: string) => execFileSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_PAGER: 'cat', PAGER: 'cat' } })

    const blobDiff = run(commands[0]!)
    expect(blobDiff).toContain('-    "age": 33,')
    expect(blobDiff).toContain('+    "age": 34,')

    const copies = run(commands[1]!)
    // Copy detection names the most similar earlier file as the source; here several tie.
    expect(copies).toMatch(/copy from gen_[0-3]\.json\ncopy to gen_4\.json/)
    expect(copies).toContain('+    "age": 34,')

    const trajectory = [0, 1, 2, 3, 4].map((g) => {
      const s = summarize([0.1 * g, 0.2, 0.3])
      // Trailers print without float noise: 0.1 * 3 is 0.3 there, not 0.30000000000000004.
      return `${g}\t${formatNumber(s.best!)}\t${formatNumber(s.mean!)}`
    })
    expect(run(commands[2]!).trim().split('\n')).toEqual(trajectory)

    expect(run(commands[3]!)).toMatch(/^[0-9a-f]+ generation 3: best 0\.9, mean 0\.8 \(3 individuals\)\n$/)
    expect(run(commands[4]!)).toMatch(/gen_3\.json \| \d+ [+-]+\n 1 file changed/)
  })
})
