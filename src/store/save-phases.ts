/**
 * Where a save's time goes, for `npm run bench -- --breakdown`. Internal (not exported from the
 * package): the bench sets a listener, `saveGeneration` reports each phase's wall time to it.
 * With no listener a phase mark is one null check, so the save path pays nothing for it.
 */

/** Receives each phase's name and the milliseconds since the previous mark. */
export type SavePhaseListener = (phase: string, ms: number) => void

let listener: SavePhaseListener | null = null

/** Sets (or, with `null`, clears) the one listener. */
export function setSavePhaseListener(next: SavePhaseListener | null): void {
  listener = next
}

const noop = (): void => undefined

/** A mark function for one save: each call reports the time since the previous one under `phase`. */
export function savePhaseClock(): (phase: string) => void {
  const report = listener
  if (report === null) return noop
  let last = performance.now()
  return (phase) => {
    const now = performance.now()
    report(phase, now - last)
    last = now
  }
}
