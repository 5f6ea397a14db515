/** Memory (6, 6b): peak RSS of one save, in a child process of its own (see memory-child.ts), against the JSON's size. */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchContext, BenchTarget } from '../context.js'
import { target } from '../report.js'

const here = dirname(fileURLToPath(import.meta.url))

interface MemoryFigure {
  method: string
  baseline: number
  delta: number
  jsonBytes: number
}

async function measureMemory(dir: string, size: number, seed: number): Promise<MemoryFigure> {
  const script = join(here, '..', 'memory-child.js')
  const out = await new Promise<string>((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, dir, String(size), String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`memory child exited with ${code}: ${stderr}`))))
  })
  return JSON.parse(out) as MemoryFigure
}

export const memoryTarget: BenchTarget = {
  name: 'memory',
  async run(ctx: BenchContext) {
    const { config } = ctx
    for (const [id, size, limit] of [
      ['6', config.memorySize, 4],
      ['6b', config.memoryBigSize, 3],
    ] as const) {
      ctx.log(`memory: one save of ${size}`)
      const mem = await measureMemory(await ctx.dir('memory'), size, config.seed)
      ctx.add(target(id, `memory, save of ${size}`, mem.delta, mem.jsonBytes, 'bytes', limit, `peak RSS during the save minus RSS before it (${mem.method}, child process) vs the size of gen_<n>.json`))
      ctx.extra[`memory.baselineRss.${size}`] = mem.baseline
    }
  },
}
