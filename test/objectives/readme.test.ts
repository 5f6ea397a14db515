import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers.js'
import { BIN } from '../cli/run-cli.js'

const section = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8').split('## Objectives: directions, failed evaluations, Pareto fronts, exact meta')[1]!.split('\n## ')[0]!
const block = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)![1]!

describe('README: objectives', () => {
  it('the library example runs and prints what its comments say', () => {
    const dir = tempDir()
    const entry = pathToFileURL(resolve(import.meta.dirname, '../../dist/src/index.js')).href
    const code = block('ts')
    writeFileSync(join(dir, 'example.mjs'), code.replace("from 'evogit'", `from '${entry}'`))
    const printed = execFileSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8' }).trim().split('\n')
    // Each console.log line's comment, up to a colon that starts an explanation.
    const promised = code
      .split('\n')
      .filter((l) => l.startsWith('console.log('))
      .map((l) => l.split('//')[1]!.trim().split(':')[0]!)
    expect(printed).toEqual(promised)
  })

  it('the command-line example runs through the real binary', () => {
    const dir = tempDir()
    const outputs = block('sh')
      .trim()
      .split('\n')
      .map((line) => execFileSync('sh', ['-c', line.replace(/^evogit /, `"${process.execPath}" "${BIN}" `)], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir } }))
    const [, , , , saved, log, pareto, meta] = outputs
    expect(saved).toContain('best cost ↓ 5, mean 18.33, 3 individuals')
    expect(log).toMatch(/best cost ↓[\s\S]*front\s+hypervolume/)
    expect(pareto).toMatch(/accuracy ↑\s+cost ↓/)
    expect(meta).toBe('{\n  "pcg64": {\n    "state": 340282366920938463463374607431768211297\n  },\n  "rate": 1.0\n}\n')
  })
})
