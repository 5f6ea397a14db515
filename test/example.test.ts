import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectCleanRepo, git, pythonReader, tempDir } from './helpers.js'

const example = join(import.meta.dirname, '..', 'dist', 'examples', 'evolve.js')
const run = (dir: string, generations: number) => execFileSync(process.execPath, [example, '--dir', dir, '--generations', String(generations)], { encoding: 'utf8' })

describe('examples/evolve', () => {
  it('resumes at N+1 with the saved settings and RNG state: 5 + 3 generations equal 8 in one go', () => {
    const split = join(tempDir(), 'split')
    const whole = join(tempDir(), 'whole')
    expect(run(split, 5)).toContain('generation   4')
    const second = run(split, 3)
    expect(second).toContain('resuming')
    expect(second).toContain('generation   5')
    expect(second).not.toContain('generation   0 ')
    run(whole, 8)
    for (let g = 0; g < 8; g++) {
      expect(readFileSync(join(split, `gen_${g}.json`), 'utf8')).toBe(readFileSync(join(whole, `gen_${g}.json`), 'utf8'))
    }
    expect(expectCleanRepo(split).commits).toBe(8)
    expect(git(split, 'log', '--format=%(trailers:key=Generation,valueonly)').trim().split(/\n+/)).toEqual(['7', '6', '5', '4', '3', '2', '1', '0'])
    expect(pythonReader(split).ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })

  it('exits with a friendly error naming evogit add when a gen file another program wrote is in its way', () => {
    const dir = join(tempDir(), 'run')
    run(dir, 2)
    writeFileSync(join(dir, 'gen_2.json'), '[]')
    const result = spawnSync(process.execPath, [example, '--dir', dir, '--generations', '1'], { encoding: 'utf8' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('evolve: ')
    expect(result.stderr).toContain(`evogit add 2 --dir ${dir}`)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
