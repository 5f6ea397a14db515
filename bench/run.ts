/**
 * The performance benchmark (`npm run bench`). Every target is a ratio between a figure and a
 * baseline measured in the same run on the same machine, so results from different machines
 * stay comparable. Prints a table and writes the results as JSON under `bench/results/`.
 *
 * Options: `--smoke` (a tiny configuration, seconds), `--out <file>` (where to write the JSON),
 * `--quiet` (no progress lines).
 */
import { spawn } from 'node:child_process'
import { cpus, hostname, tmpdir } from 'node:os'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openStore, personaSchema, type Persona, type Store } from '../src/index.js'
import { initialPopulation, nextGeneration, rng, scoresOf } from './data.js'
import { execFile, gitEnv, median, time, treeSize } from './measure.js'
import { lineageTargets } from './targets/lineage.js'
import { compareDir, measureCompare } from './targets/compare.js'
import { measureReport } from './targets/report.js'
import { measurePareto } from './targets/pareto.js'
import { measureServe } from './targets/serve.js'

/** What to run; `FULL` is `npm run bench`, `SMOKE` is the test's tiny version. */
export interface BenchConfig {
  name: string
  seed: number
  /** Target 1: individuals per generation, and how many timed saves. */
  saveSize: number
  saveRuns: number
  /** Target 2: individuals per generation, and the generation windows compared (half-open). */
  flatSize: number
  earlyWindow: [number, number]
  lateWindow: [number, number]
  /** Target 3: timed loads (each of a different old generation). */
  loadRuns: number
  /** Target 5: timed log calls, and how many commits each reads. */
  logRuns: number
  logLimit: number
  /** Target 6: individuals in the generation whose save is measured. */
  memorySize: number
  /** Save with fsync (the store's default); the baseline then fsyncs too. */
  durable: boolean
}

export const FULL: BenchConfig = {
  name: 'full',
  seed: 20260101,
  saveSize: 1000,
  saveRuns: 41,
  flatSize: 100,
  earlyWindow: [10, 40],
  lateWindow: [1000, 1030],
  loadRuns: 31,
  logRuns: 11,
  logLimit: 1000,
  memorySize: 10_000,
  durable: true,
}

export const SMOKE: BenchConfig = {
  name: 'smoke',
  seed: 7,
  saveSize: 40,
  saveRuns: 5,
  flatSize: 10,
  earlyWindow: [2, 6],
  lateWindow: [30, 34],
  loadRuns: 3,
  logRuns: 2,
  logLimit: 30,
  memorySize: 300,
  durable: true,
}

/** One row of the result table. */
export interface TargetResult {
  id: string
  title: string
  /** The measured figure and the baseline it is compared with, in `unit`. */
  figure: number
  baseline: number
  unit: string
  /** figure / baseline. */
  ratio: number
  /** The ratio must not exceed this. */
  limit: number
  pass: boolean
  /** How the figure and the baseline were obtained. */
  note: string
}

/** Everything one run produced. */
export interface BenchResults {
  config: BenchConfig
  machine: { nproc: number; cpu: string; node: string; git: string | null; platform: string; hostname: string }
  startedAt: string
  seconds: number
  targets: TargetResult[]
  /** Figures that are not targets but explain them. */
  extra: Record<string, number | string | boolean | null>
}

function target(id: string, title: string, figure: number, baseline: number, unit: string, limit: number, note: string): TargetResult {
  const ratio = figure / baseline
  return { id, title, figure, baseline, unit, ratio, limit, pass: Number.isFinite(ratio) && ratio <= limit, note }
}

async function gitVersion(): Promise<string | null> {
  try {
    return (await execFile('git', ['--version'])).stdout.trim()
  } catch {
    return null
  }
}

const here = dirname(fileURLToPath(import.meta.url))

/** Runs every measurement of `config` in temp directories (removed afterwards) and returns the results. */
export async function runBench(config: BenchConfig, log: (line: string) => void = () => undefined): Promise<BenchResults> {
  const started = Date.now()
  const root = await mkdtemp(join(tmpdir(), 'evogit-bench-'))
  const extra: BenchResults['extra'] = {}
  const targets: TargetResult[] = []
  try {
    const env = gitEnv(root)

    // ---- 1. save --------------------------------------------------------------------------
    log(`save: ${config.saveRuns} generations of ${config.saveSize}`)
    const plainDir = join(root, 'plain')
    const storeDir = join(root, 'store')
    const cliDir = join(root, 'cli')
    await mkdir(plainDir)
    await mkdir(join(cliDir, '.evogit', 'meta', '0'), { recursive: true })
    await execFile('git', ['init', '-q', '-b', 'main', cliDir], { env })
    const store = await openStore({ dir: storeDir, schema: personaSchema, durable: config.durable })
    const r = rng(config.seed)
    let population = initialPopulation(r, config.saveSize)
    const commits: string[] = []
    const plainTimes: number[] = []
    const saveTimes: number[] = []
    const cliTimes: number[] = []
    for (let g = 0; g < config.saveRuns; g++) {
      const scores = scoresOf(population)
      plainTimes.push(await time(() => plainSave(join(plainDir, `gen_${g}.json`), population, config.durable)))
      saveTimes.push(await time(async () => commits.push((await store.saveGeneration(g, population, { scores })).commit)))
      await writeFile(join(cliDir, `gen_${g}.json`), `${JSON.stringify(population, null, 2)}\n`)
      await writeFile(join(cliDir, '.evogit', 'meta', '0', `${g}.json`), `${JSON.stringify({ generation: g, scores }, null, 2)}\n`)
      cliTimes.push(
        await time(async () => {
          await execFile('git', ['add', '--', `gen_${g}.json`, `.evogit/meta/0/${g}.json`], { cwd: cliDir, env })
          await execFile('git', ['commit', '-q', '-m', `generation ${g}`], { cwd: cliDir, env })
        }),
      )
      population = nextGeneration(r, population)
    }
    // The first saves warm up the JIT and the caches; a long run is what matters.
    const skip = Math.min(3, Math.floor(config.saveRuns / 4))
    const save = median(saveTimes.slice(skip))
    const plain = median(plainTimes.slice(skip))
    const cli = median(cliTimes.slice(skip))
    const sync = config.durable ? 'with fsync' : 'without fsync'
    targets.push(target('1a', `save ${config.saveSize} vs stringify+write`, save, plain, 'ms', 2, `median of ${saveTimes.length - skip} saves (${sync}) vs JSON.stringify + writeFile (${sync}) of the same population`))
    targets.push(target('1b', `save ${config.saveSize} vs git add+commit`, save, cli, 'ms', 0.5, 'same saves vs native `git add` + `git commit` of the same two files (already written)'))
    extra['save.moonshot1.5x'] = save / plain <= 1.5

    // ---- 2. flat history --------------------------------------------------------------------
    const flatGenerations = config.lateWindow[1]
    log(`flat history: ${flatGenerations} generations of ${config.flatSize}`)
    const flatDir = join(root, 'flat')
    const flat = await openStore({ dir: flatDir, schema: personaSchema, durable: config.durable })
    const fr = rng(config.seed + 1)
    let flatPop = initialPopulation(fr, config.flatSize)
    const late: number[] = []
    const early: number[] = []
    let rawBytes = 0
    // Generations before the late window are built untimed. The early window is then measured on
    // a second, fresh store, alternating with the late window's saves, so that whatever else the
    // machine is doing weighs on both alike (measured minutes apart, load changes swamp the figure).
    const earlyDir = join(root, 'flat-early')
    const earlyStore = await openStore({ dir: earlyDir, schema: personaSchema, durable: config.durable })
    const er = rng(config.seed + 1)
    let earlyPop = initialPopulation(er, config.flatSize)
    const saveEarly = async (g: number) => {
      const ms = await time(() => earlyStore.saveGeneration(g, earlyPop, { scores: scoresOf(earlyPop) }))
      earlyPop = nextGeneration(er, earlyPop)
      return ms
    }
    for (let g = 0; g < flatGenerations; g++) {
      const scores = scoresOf(flatPop)
      if (g >= config.lateWindow[0]) {
        const k = g - config.lateWindow[0]
        if (k === 0) for (let e = 0; e < config.earlyWindow[0]; e++) await saveEarly(e)
        if (config.earlyWindow[0] + k < config.earlyWindow[1]) early.push(await saveEarly(config.earlyWindow[0] + k))
        late.push(await time(() => flat.saveGeneration(g, flatPop, { scores })))
      } else await flat.saveGeneration(g, flatPop, { scores })
      rawBytes += await savedBytes(flatDir, g)
      flatPop = nextGeneration(fr, flatPop)
      if (g % 200 === 199) log(`  ${g + 1} generations`)
    }
    targets.push(
      target(
        '2',
        `flat history (${config.flatSize}/gen)`,
        median(late),
        median(early),
        'ms',
        1.25,
        `median save of generations ${config.lateWindow.join('–')} vs ${config.earlyWindow.join('–')} of a fresh store, saves alternating (half-open ranges)`,
      ),
    )

    // ---- 5. log (on the loose repository, before compaction) ---------------------------------
    targets.push(await measureLog(flatDir, config, env, 'loose'))

    // ---- 4. size --------------------------------------------------------------------------
    const loose = await treeSize(join(flatDir, '.git'))
    targets.push(target('4a', 'size, loose', loose.bytes, rawBytes, 'bytes', 0.3, `apparent size of .git after ${flatGenerations} saves vs bytes of every gen_<n>.json and sidecar written`))
    extra['size.looseAllocated'] = loose.allocated
    extra['size.looseFiles'] = loose.files
    log('compact')
    const compactMs = await time(() => compactStore(flat))
    const packed = await treeSize(join(flatDir, '.git'))
    targets.push(target('4b', 'size, after compact', packed.bytes, rawBytes, 'bytes', 0.05, 'apparent size of .git after store.compact() vs the same raw bytes'))
    extra['size.compactSeconds'] = compactMs / 1000
    extra['log.packedRatio'] = (await measureLog(flatDir, config, env, 'packed')).ratio

    // ---- 3. load ----------------------------------------------------------------------------
    log('load')
    // The same loose-size figure for the big generations, where the root tree's growth hardly counts.
    let rawBig = 0
    for (let g = 0; g < config.saveRuns; g++) rawBig += await savedBytes(storeDir, g)
    extra['size.looseRatio.saveRepo'] = (await treeSize(join(storeDir, '.git'))).bytes / rawBig
    await compactStore(store)
    extra['size.packedRatio.saveRepo'] = (await treeSize(join(storeDir, '.git'))).bytes / rawBig
    const plainSchemaFree = await openStore({ dir: storeDir, durable: config.durable })
    const withSchema = await openStore({ dir: storeDir, schema: personaSchema, durable: config.durable })
    const loadTimes: number[] = []
    const loadSchemaTimes: number[] = []
    const readTimes: number[] = []
    for (let i = 0; i < config.loadRuns; i++) {
      // A different old generation each time, read at its own commit, so no cache serves a repeat.
      const g = Math.floor(((i * 7919) % config.saveRuns) * 0.9)
      const commit = commits[g]!
      readTimes.push(await time(async () => JSON.parse(await readFile(join(plainDir, `gen_${g}.json`), 'utf8')) as unknown))
      loadTimes.push(await time(() => plainSchemaFree.loadGeneration(g, { ref: commit })))
      loadSchemaTimes.push(await time(() => withSchema.loadGeneration((g + 1) % config.saveRuns, { ref: commits[(g + 1) % config.saveRuns]! })))
    }
    const read = median(readTimes)
    const cold: number[] = []
    for (let i = 0; i < Math.min(5, config.loadRuns); i++) {
      const fresh = await openStore({ dir: storeDir, durable: config.durable })
      const g = (i * 3) % config.saveRuns
      cold.push(await time(() => fresh.loadGeneration(g, { ref: commits[g]! })))
    }
    extra['load.coldMs'] = median(cold)
    extra['load.coldRatio'] = median(cold) / read
    targets.push(target('3a', `load ${config.saveSize}, packed, old commit`, median(loadTimes), read, 'ms', 2, 'median loadGeneration(k, { ref: commit of k }) after compact, no schema, vs readFile + JSON.parse'))
    targets.push(target('3b', `load ${config.saveSize}, with schema`, median(loadSchemaTimes), read, 'ms', 2.5, 'same, store opened with personaSchema (every individual validated)'))

    // ---- 6. memory ------------------------------------------------------------------------
    log(`memory: one save of ${config.memorySize}`)
    const mem = await measureMemory(join(root, 'memory'), config)
    targets.push(
      target('6', `memory, save of ${config.memorySize}`, mem.delta, mem.jsonBytes, 'bytes', 4, `peak RSS during the save minus RSS before it (${mem.method}, child process) vs the size of gen_<n>.json`),
    )
    extra['memory.baselineRss'] = mem.baseline

    // ---- cmp. compare (bench/targets/compare.ts) --------------------------------------------
    const cmp = await measureCompare({ dir: compareDir(root), configName: config.name, seed: config.seed, env, log })
    targets.push(target(cmp.id, cmp.title, cmp.figure, cmp.baseline, 'ms', cmp.limit, cmp.note))

    // ---- 7. report (bench/targets/report.ts) ------------------------------------------------
    log('report of a branched run')
    const rep = await measureReport(join(root, 'report', 'store'), config)
    targets.push(...rep.targets)
    Object.assign(extra, rep.extra)
    log(`pareto: ${config.saveRuns} saves of ${config.saveSize} × 3 objectives`)
    const pareto = await measurePareto(join(root, 'pareto'), config)
    targets.push(target('pareto', `save ${config.saveSize} × 3 objectives (Pareto)`, pareto.figure, pareto.baseline, 'ms', 1.1, 'median save scored on 3 objectives (directions, stats, fronts, hypervolume) vs the same saves with 1 objective, alternating'))
    extra['pareto.frontSize'] = pareto.frontSize
    // ---- 7. serve -------------------------------------------------------------------------
    log('serve: saves of 24 personas through evogit serve --stdio vs one evogit save process each')
    const serve = await measureServe({ root, seed: config.seed, runs: config.saveRuns, env })
    targets.push(target('serve', 'save of 24 via serve vs a process', serve.serveMs, serve.processMs, 'ms', 0.08, `median of ${serve.serveRuns} saves through one evogit serve --stdio vs ${serve.processRuns} evogit save processes (20 ms vs 250 ms)`))
    extra['serve.saveMs'] = serve.serveMs

    // ---- L. lineage (bench/targets/lineage.ts) ----------------------------------------------
    targets.push(...(await lineageTargets(root, config, target, log)))
  } finally {
    await rm(root, { recursive: true, force: true })
  }
  return {
    config,
    machine: {
      nproc: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      git: await gitVersion(),
      platform: `${process.platform} ${process.arch}`,
      hostname: hostname(),
    },
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    targets,
    extra,
  }
}

/** What the original store does: stringify with indentation and write the file. */
async function plainSave(path: string, population: readonly Persona[], durable: boolean): Promise<void> {
  const text = `${JSON.stringify(population, null, 2)}\n`
  if (!durable) return writeFile(path, text)
  const { open } = await import('node:fs/promises')
  const handle = await open(path, 'w')
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function savedBytes(dir: string, generation: number): Promise<number> {
  const { stat } = await import('node:fs/promises')
  const bucket = Math.floor(generation / 100)
  const [a, b] = await Promise.all([stat(join(dir, `gen_${generation}.json`)), stat(join(dir, '.evogit', 'meta', String(bucket), `${generation}.json`))])
  return a.size + b.size
}

async function compactStore(store: Store<Persona>): Promise<void> {
  const result = await store.compact()
  if (!result.compacted) throw new Error(`the benchmark needs native git: ${result.message}`)
}

async function measureLog(dir: string, config: BenchConfig, env: NodeJS.ProcessEnv, state: string): Promise<TargetResult> {
  const ours: number[] = []
  const native: number[] = []
  for (let i = 0; i < config.logRuns; i++) {
    // A freshly opened store each time: no commit cache survives from the previous call.
    const store = await openStore({ dir, schema: personaSchema })
    let entries = 0
    ours.push(await time(async () => (entries = (await store.log({ limit: config.logLimit })).length)))
    if (entries !== Math.min(config.logLimit, config.lateWindow[1])) throw new Error(`store.log returned ${entries} entries`)
    native.push(await time(() => execFile('git', ['log', '-n', String(config.logLimit), '--format=%(trailers)'], { cwd: dir, env, maxBuffer: 1 << 28 })))
  }
  return target('5', `log of ${config.logLimit} (${state})`, median(ours), median(native), 'ms', 2, `median store.log({ limit: ${config.logLimit} }) on a freshly opened store vs native \`git log -n ${config.logLimit} --format=%(trailers)\` (process included)`)
}

async function measureMemory(dir: string, config: BenchConfig): Promise<{ method: string; baseline: number; delta: number; jsonBytes: number }> {
  const script = join(here, 'memory-child.js')
  const out = await new Promise<string>((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, dir, String(config.memorySize), String(config.seed)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`memory child exited with ${code}: ${stderr}`))))
  })
  return JSON.parse(out) as { method: string; baseline: number; delta: number; jsonBytes: number }
}

function formatFigure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value)
  if (unit === 'bytes') return value >= 1 << 20 ? `${(value / (1 << 20)).toFixed(1)} MiB` : `${(value / 1024).toFixed(1)} KiB`
  return `${value.toFixed(2)} ${unit}`
}

/** The results as a plain-text table, one target per line. */
export function formatTable(results: BenchResults): string {
  const header = ['#', 'target', 'figure', 'baseline', 'ratio', 'limit', 'result']
  const rows = results.targets.map((t) => [t.id, t.title, formatFigure(t.figure, t.unit), formatFigure(t.baseline, t.unit), `${t.ratio.toFixed(3)}×`, `≤ ${t.limit}×`, t.pass ? 'pass' : 'SHORT'])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  const m = results.machine
  return [
    `evogit bench (${results.config.name}) — ${m.cpu}, nproc ${m.nproc}, node ${m.node}, ${m.git ?? 'no git'}; ${results.seconds.toFixed(0)} s`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n')
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const config = args.includes('--smoke') ? SMOKE : FULL
  const outIndex = args.indexOf('--out')
  const quiet = args.includes('--quiet')
  const results = await runBench(config, quiet ? undefined : (line) => console.error(`… ${line}`))
  const out = outIndex >= 0 && args[outIndex + 1] ? resolve(args[outIndex + 1]!) : join(here, '..', '..', 'bench', 'results', `${results.startedAt.replace(/[:.]/g, '-')}-${config.name}.json`)
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(formatTable(results))
  console.log(`results: ${out}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
