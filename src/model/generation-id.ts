import { InvalidGenerationIdError } from '../errors/index.js'

/**
 * The one pattern our own listing accepts. It is stricter than the original Python reader
 * (which parsed any `gen_*.json`), so names like `gen_01.json` or `gen_3.bak.json` are never
 * mistaken for generations.
 */
export const GENERATION_FILE_PATTERN = /^gen_(0|[1-9][0-9]*)\.json$/

/** Directory (inside the store) that holds evogit's own files; it is not a `gen_*` name, so old readers skip it. */
export const EVOGIT_DIR = '.evogit'

/** Sidecars are sharded into buckets of this many so that no tree we rewrite per save grows without bound. */
export const SIDECAR_BUCKET_SIZE = 100

/** Checks that `value` is a non-negative safe integer and returns it typed as a number. */
export function assertGenerationId(value: unknown, parameter = 'generation'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || Object.is(value, -0)) {
    throw new InvalidGenerationIdError(
      `\`${parameter}\` must be a non-negative safe integer, received ${describe(value)}`,
      { parameter, received: describe(value) },
    )
  }
  return value
}

/** Parses a generation id typed by a person (CLI, ref:N syntax); only plain decimal digits are accepted. */
export function parseGenerationId(text: string, parameter = 'generation'): number {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) {
    throw new InvalidGenerationIdError(
      `\`${parameter}\` must be a non-negative integer, received ${JSON.stringify(text)}`,
      { parameter, received: JSON.stringify(text) },
    )
  }
  return assertGenerationId(Number(text), parameter)
}

/** `gen_<n>.json`, the original store's file name. */
export function generationFileName(generation: number): string {
  return `gen_${generation}.json`
}

/** The generation id encoded in a file name, or `null` when the name is not strictly `gen_<n>.json`. */
export function parseGenerationFileName(name: string): number | null {
  const match = GENERATION_FILE_PATTERN.exec(name)
  if (!match?.[1]) return null
  const id = Number(match[1])
  return Number.isSafeInteger(id) ? id : null
}

/** Path segments of a generation's sidecar inside the store, e.g. `['.evogit', 'meta', '0', '3.json']`. */
export function sidecarPathSegments(generation: number): [string, string, string, string] {
  return [EVOGIT_DIR, 'meta', String(Math.floor(generation / SIDECAR_BUCKET_SIZE)), `${generation}.json`]
}

/** The sidecar's path relative to the store directory, with `/` separators (as in git trees). */
export function sidecarPath(generation: number): string {
  return sidecarPathSegments(generation).join('/')
}

function describe(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (value === null) return 'null'
  return typeof value
}
