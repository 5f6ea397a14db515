/** The few styles the CLI uses; each is the identity when color is off. */
export interface Style {
  readonly enabled: boolean
  readonly bold: (text: string) => string
  readonly dim: (text: string) => string
  readonly red: (text: string) => string
  readonly green: (text: string) => string
  readonly yellow: (text: string) => string
  readonly cyan: (text: string) => string
}

// Plain SGR codes rather than a dependency: six styles do not justify one, and node:util's
// styleText only arrived in Node 20.12 with stream checks that differ between Node versions.
const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`

/**
 * Styles for one output stream.
 *
 * @example
 * ```ts
 * const style = createStyle(shouldColor({ isTTY: process.stdout.isTTY, env: process.env }))
 * style.green('+ added')
 * ```
 */
export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    const plain = (text: string) => text
    return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain }
  }
  return { enabled, bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) }
}

/**
 * Color only on a terminal, never when `NO_COLOR` is set to anything non-empty
 * (https://no-color.org). `FORCE_COLOR` (non-empty, not `0`) turns it on for pipes, as in Node
 * itself; `NO_COLOR` still wins.
 */
export function shouldColor(options: { isTTY: boolean | undefined; env: Readonly<Record<string, string | undefined>> }): boolean {
  const { env } = options
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true
  return options.isTTY === true
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g

/** The width a string takes on screen: escape codes take none, and astral characters count once. */
export function visibleWidth(text: string): number {
  return [...text.replace(SGR, '')].length
}
