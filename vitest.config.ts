import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default, one worker fewer than the cores, runs one file at a time on the 2-core CI
    // machine. Most of the suite waits on child processes (git, python3, killed writers, a
    // browser) rather than computing, so two files at once took the whole run from 990 s to 690 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
