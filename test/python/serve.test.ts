import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN } from '../cli/run-cli.js'
import { expectCleanRepo, tempDir } from '../helpers.js'

/** Runs `evogit serve --stdio` with these request lines and returns every stdout line and the exit code. */
async function serve(dir: string, requests: unknown[], extra: string[] = []): Promise<{ lines: string[]; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--stdio', '--dir', dir, ...extra], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } })
  let out = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  for (const r of requests) child.stdin.write(typeof r === 'string' ? `${r}\n` : `${JSON.stringify(r)}\n`)
  child.stdin.end()
  const code = await new Promise<number | null>((done) => child.on('close', done))
  return { lines: out.split('\n').filter((l) => l !== ''), code, stderr }
}

const persona = (i: number) => ({ name: `P${i}`, age: 30, occupation: '', backstory: '', core_values: [], hobbies: [], personality_traits: { openness: i / 10 }, communication_style: '', topical_focus: '', interaction_policy: '', goals: [] })

describe('evogit serve --stdio', () => {
  it('answers each request with one line, in order, and exits when stdin closes', async () => {
    const dir = join(tempDir(), 'store')
    const pop = [persona(1), persona(2)]
    const { lines, code } = await serve(
      dir,
      [
        { id: 'h', method: 'hello' },
        { id: 1, method: 'save', params: { generation: 0, population: pop, scores: [0.1, 0.2], meta: { seed: 7 } } },
        { id: 2, method: 'save', params: { generation: 1, population: pop, scoreField: 'age' } },
        { id: 3, method: 'list' },
        { id: 4, method: 'load', params: { generation: 1 } },
        { id: 5, method: 'resume', params: { population: false } },
        { id: 6, method: 'branch', params: { name: 'exp', from: 0, checkout: true } },
        { id: 7, method: 'save', params: { generation: 1, population: [persona(3)] } },
        { id: 8, method: 'diff', params: { from: 'main:1', to: 'exp:1' } },
        { id: 9, method: 'log', params: { ref: 'main' } },
        { id: 10, method: 'tag', params: { name: 'best', generation: 'main:1' } },
        { id: 11, method: 'checkout', params: { name: 'main' } },
        { id: 12, method: 'status' },
        { id: 13, method: 'add' },
        { id: 14, method: 'save', params: { generation: 0, population: pop } },
        'not json',
        { id: 15, method: 'nope' },
        { id: 16, method: 'save', params: { generation: 2, population: [{ name: 1 }] } },
        { id: 17, method: 'meta', params: { generation: 0 } },
      ],
      ['--schema', 'persona'],
    )
    expect(code).toBe(0)
    const responses = lines.map((l) => JSON.parse(l) as { id: unknown; result?: unknown; error?: { code: string; category: string; message: string; data: unknown } })
    expect(responses.map((r) => r.id)).toEqual(['h', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, null, 15, 16, 17])
    expect(responses[0]!.result).toMatchObject({ protocol: 1, methods: expect.arrayContaining(['save', 'load', 'list', 'resume', 'branch', 'checkout', 'log', 'diff', 'tag', 'status', 'add', 'open']) as unknown })
    expect(responses[3]!.result).toEqual([0, 1])
    expect(responses[4]!.result).toEqual(pop)
    expect(responses[5]!.result).toMatchObject({ generation: 1, next: 2 })
    expect(responses[5]!.result).not.toHaveProperty('population')
    expect(responses[8]!.result).toMatchObject({ added: expect.any(Array) as unknown })
    expect((responses[9]!.result as unknown[]).length).toBe(2)
    expect(responses[12]!.result).toMatchObject({ branch: 'main', clean: true })
    expect(responses[13]!.result).toMatchObject({ committed: [] })
    expect(responses[14]!.error).toMatchObject({ code: 'E_GENERATION_EXISTS', category: 'conflict', data: { generation: 0, branch: 'main' } })
    expect(responses[15]!.error).toMatchObject({ code: 'E_INVALID_JSON' })
    expect(responses[16]!.error).toMatchObject({ code: 'E_INVALID_ARGUMENT', category: 'usage' })
    expect(responses[17]!.error).toMatchObject({ code: 'E_INVALID_POPULATION', category: 'invalid-data' })
    expect((responses[18]!.result as { meta: unknown }).meta).toEqual({ seed: 7 })
    expectCleanRepo(dir)
  }, 60_000)

  it('compares branches and keeps a 128-bit integer in meta digit for digit, and refuses to run without --stdio', async () => {
    const dir = tempDir()
    const big = '339532339509146837018286302930318434113'
    const { lines } = await serve(dir, [
      `{"id":1,"method":"save","params":{"generation":0,"population":[${JSON.stringify(persona(1))}],"scores":[0.5],"meta":{"state":${big}}}}`,
      { id: 2, method: 'branch', params: { name: 'exp', from: 0 } },
      { id: 3, method: 'compare', params: {} },
      { id: 4, method: 'meta', params: { generation: 0 } },
      { id: 5, method: 'hello' },
      // Requests are parsed exactly: a huge integer is a bigint, and refusing one must not crash on it.
      `{"id":6,"method":"tag","params":{"name":"t","generation":123456789012345678901234}}`,
      `{"id":7,"method":"lineage","params":{"id":123456789012345678901234}}`,
      `{"id":8,"method":"compare","params":{"refs":["main",7]}}`,
    ])
    const responses = lines.map((l) => JSON.parse(l) as { id: number; result?: unknown; error?: unknown })
    expect(responses.map((r) => r.error ?? null).slice(0, 5)).toEqual([null, null, null, null, null])
    expect(responses[5]).toMatchObject({ id: 6, error: { code: 'E_INVALID_ARGUMENT', message: expect.stringContaining('received 123456789012345678901234') as unknown } })
    expect(responses[6]).toMatchObject({ id: 7, error: { code: 'E_INVALID_ARGUMENT', data: { parameter: 'id', received: 'bigint' } } })
    expect(responses[7]).toMatchObject({ id: 8, error: { code: 'E_INVALID_ARGUMENT', data: { parameter: 'refs', received: 'number at index 1' } } })
    expect((responses[2]!.result as { rows: { name: string }[] }).rows.map((r) => r.name).sort()).toEqual(['exp', 'main'])
    expect(lines[3]).toContain(`"state":${big}`)
    expect((responses[4]!.result as { missing: string[] }).missing).toEqual([])
    const child = spawn(process.execPath, [BIN, 'serve', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    expect(await new Promise((done) => child.on('close', done))).toBe(2)
    expect(out).toBe('')
  })
})
