import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { git, snapshot, tempDir } from '../helpers.js'
import { evogit, ok, writeJson } from '../cli/run-cli.js'

const RNG_SCRIPT = join(import.meta.dirname, '..', 'fixtures', 'rng_state.py')

async function newStore(...initArgs: string[]) {
  const root = tempDir('evogit-objectives-cli-')
  const dir = join(root, 'store')
  await ok(['init', dir, ...initArgs], { cwd: root })
  return { root, dir, o: { cwd: root, env: { EVOGIT_DIR: dir } } }
}

interface JsonError {
  error: { code: string; message: string; data: Record<string, unknown> }
}

describe('evogit objectives on the command line', () => {
  it('declares directions at init, labels tables with them, and reports failures, --objective and --pareto', async () => {
    const { root, dir, o } = await newStore('--objective', 'accuracy:max', '--objective', 'cost:min:100', '--primary', 'cost')
    expect(git(dir, 'show', 'HEAD:.evogit/objectives.json')).toContain('"reference": 100')
    const pop = writeJson(root, 'pop.json', [{ name: 'a' }, { name: 'b' }, { name: 'c' }])
    writeJson(root, 's0.json', { accuracy: [0.5, 0.9, null], cost: [30, 10, 20] })
    writeJson(root, 's1.json', { accuracy: [0.6, 0.95, 0.7], cost: [25, 5, 40] })
    const saved = await ok(['save', '0', pop, '--scores', 's0.json'], o)
    expect(saved.stdout).toContain('best cost ↓ 10')
    await ok(['save', '1', pop, '--scores', 's1.json'], o)
    const log = await ok(['log', '--pareto'], o)
    expect(log.stdout).toMatch(/best cost ↓/)
    expect(log.stdout).toMatch(/front\s+hypervolume/)
    expect(log.stdout).toMatch(/\(min 5\)/)
    expect(log.stdout).toMatch(/^hv /m)
    expect((await ok(['log', '--objective', 'accuracy'], o)).stdout).toMatch(/best accuracy ↑[\s\S]*\(max 0\.95\)/)
    const branches = await ok(['branch', '--json'], o)
    expect(branches.json<{ branches: { bestScore: number; direction: string }[] }>().branches[0]).toMatchObject({ bestScore: 5, direction: 'min' })
    expect((await ok(['branch', '--objective', 'accuracy'], o)).stdout).toMatch(/best accuracy ↑\s[\s\S]*0\.95/)
    const summary = await ok(['show', '0', '--summary'], o)
    expect(summary.stdout).toMatch(/cost ↓ \*\s+10 /)
    expect(summary.stdout).toMatch(/accuracy ↑\s+0\.9 .* 1\n/)
    const pareto = await ok(['pareto', '1', '--json'], o)
    expect(pareto.json()).toMatchObject({ generation: 1, reference: { point: { cost: 100 }, source: 'mixed' }, front: [{ index: 1, scores: { accuracy: 0.95, cost: 5 } }], ranks: [1, 0, 1] })
    expect((await ok(['pareto', '1'], o)).stdout).toMatch(/accuracy ↑\s+cost ↓[\s\S]*hypervolume [0-9.]+ against accuracy=0\.6, cost=100 \(mixed reference\)/)
    const diff = await ok(['diff', '0', '1'], o)
    expect(diff.stdout).toContain('cost ↓: best 10 → 5 (-5, better)')
    expect(diff.stdout).toContain('failed 1 → 0')
    const resumed = await ok(['resume', '--json'], o)
    expect(resumed.json()).toMatchObject({ generation: 1, failures: {} })
    const before = snapshot(dir)
    const flip = await evogit(['--json', 'save', '2', pop, '--scores', 's1.json', '--objective', 'cost:max'], o)
    expect(flip.code).not.toBe(0)
    expect(JSON.parse(flip.stderr)).toMatchObject({ error: { code: 'E_OBJECTIVE_CONFLICT' } })
    expect(snapshot(dir)).toEqual(before)
    const changed = await ok(['objectives', 'cost:max', '--change'], o)
    expect(changed.stdout).toContain('cost: min (reference 100) → max')
    expect((await ok(['objectives'], o)).stdout).toMatch(/cost ↑\s+max/)
    expect(git(dir, 'fsck', '--strict')).toBe('')
  }, 180_000)

  it('refuses input that would change silently: invalid UTF-8, duplicate keys, numbers JS would round', async () => {
    const { root, dir, o } = await newStore()
    const before = snapshot(dir)
    const badUtf8 = join(root, 'utf8.json')
    writeFileSync(badUtf8, Buffer.concat([Buffer.from('[{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]))
    const file = (name: string, text: string) => {
      writeFileSync(join(root, name), text)
      return join(root, name)
    }
    const cases: [string, string, (e: JsonError['error']) => void][] = [
      [badUtf8, 'not valid UTF-8: invalid byte 0xff at byte offset 11', (e) => expect(e.data).toMatchObject({ offset: 11 })],
      [file('dup.json', '[{"a":1},{"a":1,"a":2}]'), 'duplicate key "a" in individual 1', (e) => expect(e.data).toMatchObject({ key: 'a', path: [1] })],
      [file('big.json', '[{"a":1},{"n":{"seed":12345678901234567890}}]'), 'individual 1 at n.seed', (e) => expect(e.data).toMatchObject({ path: [1, 'n', 'seed'] })],
      [file('float.json', '[{"x":0.123456789012345678901}]'), 'cannot be represented exactly', (e) => expect(e.data).toMatchObject({ path: [0, 'x'] })],
    ]
    for (const [file, text, check] of cases) {
      const run = await evogit(['--json', 'save', '0', file], o)
      expect(run.code, file).not.toBe(0)
      const { error } = JSON.parse(run.stderr) as JsonError
      expect(error.code).toBe('E_INVALID_JSON')
      expect(error.message).toContain(text)
      check(error)
    }
    writeFileSync(join(root, 'dupmeta.json'), '{"seed":1,"seed":2}')
    const meta = await evogit(['save', '0', writeJson(root, 'ok.json', [{ a: 1 }]), '--meta', 'dupmeta.json'], o)
    expect(meta.stderr).toMatch(/E_INVALID_JSON|duplicate key "seed"/)
    expect(snapshot(dir)).toEqual(before)
  })

  it('passes meta through digit for digit, key order and 1.0 included', async () => {
    const { root, o } = await newStore()
    const text = '{"zeta":1.0,"state":{"key":340282366920938463463374607431768211297,"inc":-12345678901234567890123},"alpha":[1e400,0.1000000000000000000001]}'
    writeFileSync(join(root, 'meta.json'), text)
    await ok(['save', '0', writeJson(root, 'p.json', [{ a: 1 }]), '--meta', 'meta.json'], o)
    const compact = (s: string) => JSON.stringify(JSON.parse(s.replace(/(-?[0-9][0-9.e+-]*)/g, '"$1"')))
    const fromMeta = (await ok(['meta', '0', '--json'], o)).stdout
    expect(compact(fromMeta)).toBe(compact(text))
    expect(fromMeta).toContain('"zeta": 1.0')
    expect(fromMeta).toContain('340282366920938463463374607431768211297')
    const resume = (await ok(['resume', '--json'], o)).stdout
    expect(resume).toContain('"key": 340282366920938463463374607431768211297')
    expect(resume).toContain('0.1000000000000000000001')
    expect((await ok(['show', '0', '--summary'], o)).stdout).toContain('"zeta":1.0')
  })

  for (const numpy of [true, false]) {
    it(`restores Python's random and ${numpy ? "NumPy's PCG64" : 'a hand-built 128-bit'} state through save --meta and resume --json`, async () => {
      const { root, o } = await newStore()
      const env = { ...process.env, ...(numpy ? {} : { EVOGIT_TEST_NO_NUMPY: '1' }) }
      const python = (...args: string[]) => execFileSync('python3', [RNG_SCRIPT, ...args], { cwd: root, env, encoding: 'utf8' })
      python('dump', 'meta.json', 'expected.json')
      await ok(['save', '0', writeJson(root, 'p.json', [{ a: 1 }]), '--meta', 'meta.json'], o)
      const resumed = await ok(['resume', '--json'], o)
      writeFileSync(join(root, 'resume.json'), resumed.stdout)
      const result = python('check', 'resume.json', 'expected.json')
      // NumPy is installed here; where it is not, the numpy case runs the fallback instead.
      expect(result.trim()).toMatch(numpy ? /^ok (numpy|fallback)$/ : /^ok fallback$/)
    })
  }
})
