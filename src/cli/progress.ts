import { createRequire } from 'node:module'
import type CliProgress from 'cli-progress'

// cli-progress (CommonJS) is required only when a bar is drawn on a terminal: most runs print
// plain lines, and start-up should not pay for a module they never use.
const require = createRequire(import.meta.url)

/** Reports how far a long operation (import, verify) has come. */
export interface Progress {
  update(done: number, total: number, detail?: string): void
  stop(): void
}

/**
 * A progress bar on a terminal (cli-progress), plain lines otherwise so logs and CI output stay
 * readable: the first update, then at most one line a second, and always the last one.
 * Progress goes to stderr, so stdout keeps only the result (one JSON document with `--json`).
 *
 * @example
 * ```ts
 * const progress = createProgress({ label: 'importing', stream: process.stderr, tty: process.stderr.isTTY })
 * progress.update(3, 10, 'generation 2')
 * progress.stop()
 * ```
 */
export function createProgress(options: { label: string; stream: NodeJS.WritableStream; tty: boolean; now?: () => number }): Progress {
  const { label, stream } = options
  if (options.tty) {
    const cliProgress = require('cli-progress') as typeof CliProgress
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {value}/{total} {detail}`, hideCursor: true, clearOnComplete: false, barsize: 30 },
      cliProgress.Presets.shades_classic,
    )
    let started = false
    return {
      update(done, total, detail = '') {
        if (!started) {
          bar.start(total, done, { detail })
          started = true
        } else {
          bar.setTotal(total)
          bar.update(done, { detail })
        }
      },
      stop() {
        if (started) bar.stop()
      },
    }
  }
  const now = options.now ?? Date.now
  let lastAt = -Infinity
  let pending: string | null = null
  return {
    update(done, total, detail) {
      const line = `${label}: ${done}/${total}${detail ? ` (${detail})` : ''}\n`
      if (done === total || now() - lastAt >= 1000) {
        stream.write(line)
        lastAt = now()
        pending = null
      } else pending = line
    },
    stop() {
      if (pending !== null) stream.write(pending)
      pending = null
    },
  }
}
