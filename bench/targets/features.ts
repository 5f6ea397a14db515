/**
 * The targets of the features built on the store (compare, report, Pareto, serve, lineage), each
 * a thin wrapper over its measurement in its own file, in the shape bench/run.ts registers.
 */
import { join } from 'node:path'
import type { BenchTarget } from '../context.js'
import { target } from '../report.js'
import { measureCompare } from './compare.js'
import { lineageTargets } from './lineage.js'
import { measurePareto } from './pareto.js'
import { measureReport } from './report.js'
import { measureServe } from './serve.js'

export const compareTarget: BenchTarget = {
  name: 'compare',
  async run(ctx) {
    const cmp = await measureCompare({ dir: await ctx.dir('compare'), configName: ctx.config.name, seed: ctx.config.seed, env: ctx.env, log: (line) => ctx.log(line) })
    ctx.add(target(cmp.id, cmp.title, cmp.figure, cmp.baseline, 'ms', cmp.limit, cmp.note))
  },
}

export const reportTarget: BenchTarget = {
  name: 'report',
  async run(ctx) {
    ctx.log('report of a branched run')
    const rep = await measureReport(join(await ctx.dir('report'), 'store'), ctx.config)
    ctx.add(...rep.targets)
    Object.assign(ctx.extra, rep.extra)
  },
}

export const paretoTarget: BenchTarget = {
  name: 'pareto',
  async run(ctx) {
    const { config } = ctx
    ctx.log(`pareto: ${config.saveRuns} saves of ${config.saveSize} × 3 objectives`)
    const pareto = await measurePareto(await ctx.dir('pareto'), config)
    ctx.add(target('P', `save ${config.saveSize} × 3 objectives (Pareto)`, pareto.figure, pareto.baseline, 'ms', 1.1, 'median save scored on 3 objectives (directions, stats, fronts, hypervolume) vs the same saves with 1 objective, alternating'))
    ctx.extra['pareto.frontSize'] = pareto.frontSize
  },
}

export const serveTarget: BenchTarget = {
  name: 'serve',
  async run(ctx) {
    ctx.log('serve: saves of 24 personas through evogit serve --stdio vs one evogit save process each')
    const serve = await measureServe({ root: await ctx.dir('serve'), seed: ctx.config.seed, runs: ctx.config.saveRuns, env: ctx.env })
    ctx.add(target('S', 'save of 24 via serve vs a process', serve.serveMs, serve.processMs, 'ms', 0.08, `median of ${serve.serveRuns} saves through one evogit serve --stdio vs ${serve.processRuns} evogit save processes (20 ms vs 250 ms)`))
    ctx.extra['serve.saveMs'] = serve.serveMs
  },
}

export const lineageTarget: BenchTarget = {
  name: 'lineage',
  async run(ctx) {
    ctx.add(...(await lineageTargets(await ctx.dir('lineage'), ctx.config, target, (line) => ctx.log(line))))
  },
}
