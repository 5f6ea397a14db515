import { spawn } from 'node:child_process'
import { cliEntry } from './entry.js'
import type { CommandContext } from './runtime.js'

/**
 * Starts `evogit compact --in-background` as a detached process of its own and returns its pid:
 * the caller (an engine's `evogit save`, or `compact --auto`) never waits for it. The child is a
 * background compaction: lowest CPU priority, and at most one per store at a time.
 */
export function startBackgroundCompaction(ctx: CommandContext, tuning: readonly string[] = []): number | null {
  const child = spawn(process.execPath, [cliEntry(), '--dir', ctx.globals.dir, 'compact', '--in-background', ...tuning], { detached: true, stdio: 'ignore', env: { ...process.env, ...ctx.io.env } })
  // A child that cannot start (no such file) must not crash the save that started it.
  child.on('error', () => undefined)
  child.unref()
  return child.pid ?? null
}
