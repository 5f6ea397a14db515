/** What one bench run measures, and how much of it: `FULL` is `npm run bench`, `QUICK` the smoke test's seconds-long version. */
export interface BenchConfig {
  name: string
  seed: number
  /** Save of a big generation (targets 1a–1c): individuals per generation, and how many timed saves. */
  saveSize: number
  saveRuns: number
  /** Flat history (2, 2b): individuals per generation, the early window, and the late windows compared with it (half-open). */
  flatSize: number
  earlyWindow: [number, number]
  lateWindows: Array<[number, number]>
  /** Where the long run stops for size (4a), log (5), branches (9) and compaction (7a–7c). */
  checkpoint: number
  /** Generations saved between the first and the incremental compaction (7b). */
  incrementalGenerations: number
  /** Load (3a, 3b): timed loads, each of a different old generation. */
  loadRuns: number
  /** Log (5): timed calls, and how many commits each reads. */
  logRuns: number
  logLimit: number
  /** Branches (9): timed calls on a store with four branches. */
  branchesRuns: number
  /** Memory (6, 6b): individuals in the saves whose peak RSS is measured. */
  memorySize: number
  memoryBigSize: number
  /** CLI start-up (8a–8e): runs of each command, interleaved with bare `node -e 0`. */
  cliRuns: number
  /** Save with fsync (the store's default); every baseline then fsyncs too. */
  durable: boolean
}

export const FULL: BenchConfig = {
  name: 'full',
  seed: 20260101,
  saveSize: 1000,
  saveRuns: 41,
  flatSize: 100,
  earlyWindow: [10, 40],
  lateWindows: [
    [1000, 1030],
    [9970, 10000],
  ],
  checkpoint: 5000,
  incrementalGenerations: 100,
  loadRuns: 31,
  logRuns: 11,
  logLimit: 1000,
  branchesRuns: 11,
  memorySize: 10_000,
  memoryBigSize: 100_000,
  cliRuns: 15,
  durable: true,
}

export const QUICK: BenchConfig = {
  name: 'quick',
  seed: 7,
  saveSize: 40,
  saveRuns: 5,
  flatSize: 10,
  earlyWindow: [2, 6],
  lateWindows: [
    [30, 34],
    [56, 60],
  ],
  checkpoint: 40,
  incrementalGenerations: 5,
  loadRuns: 3,
  logRuns: 2,
  logLimit: 30,
  branchesRuns: 2,
  // Large enough that the save's peak stands above RSS noise (a 300-individual save once measured
  // a negative delta on a loaded machine), small enough for seconds.
  memorySize: 2000,
  memoryBigSize: 5000,
  cliRuns: 2,
  durable: true,
}
