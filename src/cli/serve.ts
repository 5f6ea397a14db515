import { createInterface } from 'node:readline'
import { resolve } from 'node:path'
import { InvalidArgumentError } from '../errors/index.js'
import { parseExactJson, stringifyExact } from '../model/lossless-json.js'
import type { ScoresInput } from '../model/scores.js'
import type { GenerationSpec } from '../index.js'
import { describeError } from './format/errors.js'
import { loadSchema } from './load-schema.js'
import type { CliStore } from './runtime.js'

/**
 * The version of the `serve --stdio` protocol. A client sends `hello` and checks it; a change
 * that breaks a client bumps it, additions (new methods, new result fields) do not.
 */
export const SERVE_PROTOCOL_VERSION = 1

/** One request line: `{"id": 1, "method": "save", "params": {…}}`. `id` is echoed back as it came. */
interface Request {
  id?: unknown
  method?: unknown
  params?: unknown
}

type Params = Record<string, unknown>

/** What a serve session knows: the open store, and how to open one. */
interface Session {
  store: CliStore | null
  dir: string
  schema: string | undefined
  cwd: string
}

type Handler = (store: CliStore, p: Params) => Promise<unknown>

/**
 * Every store operation the CLI has, by name, each calling the library operation the CLI
 * command calls. `open` and `hello` are handled by the session itself.
 */
const METHODS: Record<string, Handler> = {
  save: (s, p) =>
    s.saveGeneration(int(p, 'generation'), array(p, 'population'), {
      ...(p.scores === undefined ? {} : { scores: p.scores as ScoresInput }),
      ...(p.scoreField === undefined ? {} : { score: str(p, 'scoreField') }),
      ...(p.meta === undefined ? {} : { meta: p.meta }),
      ...(p.overwrite === undefined ? {} : { overwrite: p.overwrite as boolean }),
      ...(p.branch === undefined ? {} : { branch: str(p, 'branch') }),
    }),
  load: (s, p) => s.loadGeneration(int(p, 'generation'), ref(p)),
  list: (s, p) => s.listGenerations(ref(p)),
  meta: (s, p) => s.loadMetadata(int(p, 'generation'), ref(p)),
  resume: async (s, p) => {
    const point = await s.resume(ref(p))
    if (point && p.population === false) return { ...point, population: undefined, next: point.generation + 1 }
    return point && { ...point, next: point.generation + 1 }
  },
  branch: async (s, p) => (p.name === undefined ? s.branches() : s.branch(str(p, 'name'), { ...(p.from === undefined ? {} : { from: fromParam(p.from) }), ...(p.checkout === true ? { checkout: true } : {}) })),
  branches: (s) => s.branches(),
  currentBranch: (s) => s.currentBranch(),
  checkout: (s, p) => s.checkout(str(p, 'name'), { force: p.force === true }),
  rollback: (s, p) => s.rollback(int(p, 'generation'), { force: p.force === true }),
  archives: (s) => s.archives(),
  restoreArchive: (s, p) => s.restoreArchive(str(p, 'archive'), { ...(p.as === undefined ? {} : { as: str(p, 'as') }), force: p.force === true }),
  log: (s, p) => s.log({ ...ref(p), ...(p.limit === undefined ? {} : { limit: int(p, 'limit') }) }),
  diff: (s, p) => s.diff(spec(p.from), spec(p.to), p.key === undefined ? {} : { key: str(p, 'key') }),
  tag: (s, p) => s.tag(str(p, 'name'), spec(p.generation), p.message === undefined ? {} : { message: str(p, 'message') }),
  tags: (s) => s.tags(),
  status: (s) => s.status(),
  add: (s, p) =>
    s.commitWorkingFiles({
      ...(p.generations === undefined ? {} : { generations: list(p, 'generations', 'number') as number[] }),
      ...(p.scores === undefined ? {} : { scores: p.scores as ScoresInput }),
      ...(p.scoreField === undefined ? {} : { score: str(p, 'scoreField') }),
      ...(p.meta === undefined ? {} : { meta: p.meta }),
      overwrite: p.overwrite === true,
    }),
  import: (s, p) => s.importGenerations({ from: str(p, 'from'), overwrite: p.overwrite === true }),
  verify: (s, p) => s.verify({ repair: p.repair === true }),
  compact: (s) => s.compact(),
  remote: async (s, p) => {
    await s.setRemote(str(p, 'name'), str(p, 'url'))
    return null
  },
  push: (s, p) => s.push({ ...(p.branch === undefined ? {} : { branch: str(p, 'branch') }), ...(p.remote === undefined ? {} : { remote: str(p, 'remote') }), tags: p.tags === true }),
  pull: (s, p) => s.pull({ ...(p.branch === undefined ? {} : { branch: str(p, 'branch') }), ...(p.remote === undefined ? {} : { remote: str(p, 'remote') }) }),
  compare: (s, p) =>
    s.compare({
      ...(p.refs === undefined ? {} : { refs: list(p, 'refs', 'string') as string[] }),
      ...(p.target === undefined ? {} : { target: str(p, 'target') }),
      ...(p.sortBy === undefined ? {} : { sortBy: str(p, 'sortBy') }),
      ...(p.groupBy === undefined ? {} : { groupBy: str(p, 'groupBy') }),
      allMeta: p.allMeta === true,
    }),
  objectives: (s, p) => s.objectives(ref(p)),
  pareto: (s, p) => s.pareto(int(p, 'generation'), ref(p)),
  lineage: (s, p) => s.ancestry(lineageId(p), { ...ref(p), ...(p.generation === undefined ? {} : { generation: int(p, 'generation') }), ...(p.depth === undefined ? {} : { depth: int(p, 'depth') }) }),
}

/** Methods the protocol names that this build does not provide yet. */
const PLANNED: string[] = []

/** The names a client may call, for `hello`. */
export function serveMethods(): string[] {
  return ['hello', 'open', ...Object.keys(METHODS)].sort()
}

/**
 * Runs the JSON-lines protocol: one request per line on `input`, one response per line on
 * `output`, in order, until `input` ends. Nothing else is ever written to `output`.
 *
 * @example
 * ```ts
 * await serveStdio({ input: process.stdin, output: process.stdout, dir: 'persona_data', cwd: process.cwd() })
 * ```
 */
export async function serveStdio(options: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; dir: string; schema?: string; cwd: string; version: string }): Promise<void> {
  const session: Session = { store: null, dir: options.dir, schema: options.schema, cwd: options.cwd }
  const lines = createInterface({ input: options.input, crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.trim() === '') continue
    const response = await handleLine(session, line, options.version)
    // Digits exactly as stored: a 128-bit RNG state in meta comes back as the same integer.
    const text = stringifyExact(response)
    if (!options.output.write(`${text}\n`)) await new Promise((r) => options.output.once('drain', r))
  }
}

async function handleLine(session: Session, line: string, version: string): Promise<{ id: unknown; result?: unknown; error?: unknown }> {
  let request: Request
  try {
    request = parseExactJson(line, { what: 'request', numbers: 'exact' }) as Request
  } catch (err) {
    return { id: null, error: { code: 'E_INVALID_JSON', category: 'invalid-data', message: `request is not valid JSON: ${(err as Error).message}`, data: null } }
  }
  const id = typeof request === 'object' && request !== null ? (request.id ?? null) : null
  try {
    if (typeof request !== 'object' || request === null || Array.isArray(request) || typeof request.method !== 'string') {
      throw new InvalidArgumentError('a request is {"id": …, "method": "…", "params": {…}}', { parameter: 'method', expected: 'a string', received: typeof (request as Request | null)?.method })
    }
    const params = (request.params ?? {}) as Params
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new InvalidArgumentError('`params` must be an object', { parameter: 'params', expected: 'an object', received: Array.isArray(params) ? 'an array' : typeof params })
    }
    const result = await dispatch(session, request.method, params, version)
    return { id, result: result === undefined ? null : result }
  } catch (err) {
    const d = describeError(err)
    return { id, error: { code: d.code, category: d.category, message: d.message, data: d.data ?? null } }
  }
}

async function dispatch(session: Session, method: string, params: Params, version: string): Promise<unknown> {
  if (method === 'hello') return { protocol: SERVE_PROTOCOL_VERSION, evogit: version, methods: serveMethods(), missing: PLANNED }
  if (method === 'open') {
    session.dir = params.dir === undefined ? session.dir : resolve(session.cwd, str(params, 'dir'))
    if (params.schema !== undefined) session.schema = str(params, 'schema')
    session.store = await openSession(session, { create: params.create !== false, adopt: params.adopt === true })
    const store = session.store
    return { dir: store.dir, branch: await store.currentBranch(), generations: await store.listGenerations() }
  }
  const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined
  if (!handler) {
    const planned = PLANNED.includes(method)
    throw new InvalidArgumentError(planned ? `method ${method} is not available in this evogit version (${version})` : `unknown method ${stringifyExact(method)}; hello lists the methods`, {
      parameter: 'method',
      expected: serveMethods().join(', '),
      received: method,
    })
  }
  session.store ??= await openSession(session, { create: true, adopt: false })
  return handler(session.store, params)
}

async function openSession(session: Session, options: { create: boolean; adopt: boolean }): Promise<CliStore> {
  const schema = await loadSchema({ spec: session.schema, cwd: session.cwd })
  const { openStore } = await import('../store/open-store.js')
  return openStore({ dir: session.dir, ...(schema ? { schema } : {}), ...(options.adopt ? { adopt: true } : {}) })
}

function int(p: Params, name: string): number {
  const v = p[name]
  if (typeof v !== 'number') throw new InvalidArgumentError(`\`${name}\` must be a number, received ${typeof v}`, { parameter: name, expected: 'a number', received: typeof v })
  return v
}

/** An array parameter whose every element has the JSON type `type`. */
function list(p: Params, name: string, type: 'number' | 'string'): unknown[] {
  const v = p[name]
  // A huge integer arrives as a bigint (requests are parsed exactly): refused here, not by a TypeError later.
  const bad = Array.isArray(v) ? v.findIndex((x) => typeof x !== type) : -1
  if (!Array.isArray(v) || bad >= 0) {
    const received = Array.isArray(v) ? `${typeof v[bad]} at index ${bad}` : typeof v
    throw new InvalidArgumentError(`\`${name}\` must be an array of ${type}s, received ${received}`, { parameter: name, expected: `an array of ${type}s`, received })
  }
  return v
}

/** An individual's id: a string or a number. */
function lineageId(p: Params): string | number {
  const v = p.id
  if (typeof v !== 'string' && typeof v !== 'number') throw new InvalidArgumentError(`\`id\` must be a string or a number, received ${typeof v}`, { parameter: 'id', expected: 'a string or a number', received: typeof v })
  return v
}

function str(p: Params, name: string): string {
  const v = p[name]
  if (typeof v !== 'string') throw new InvalidArgumentError(`\`${name}\` must be a string, received ${typeof v}`, { parameter: name, expected: 'a string', received: typeof v })
  return v
}

function array(p: Params, name: string): unknown[] {
  const v = p[name]
  if (!Array.isArray(v)) throw new InvalidArgumentError(`\`${name}\` must be an array, received ${v === null ? 'null' : typeof v}`, { parameter: name, expected: 'an array', received: v === null ? 'null' : typeof v })
  return v
}

function ref(p: Params): { ref?: string } {
  return p.ref === undefined ? {} : { ref: str(p, 'ref') }
}

/** `branch --from`: a generation, or a plain ref name (branch, tag, commit). */
function fromParam(value: unknown): GenerationSpec | string {
  return typeof value === 'string' && !/^\d+$/.test(value) && !/:\d+$/.test(value) ? value : spec(value)
}

/** A generation as the CLI takes it: `3`, `"main:3"`, or `{ "ref": "main", "generation": 3 }`. */
function spec(value: unknown): GenerationSpec {
  if (typeof value === 'number') return value
  if (typeof value === 'string') {
    const at = value.lastIndexOf(':')
    if (at > 0 && /^\d+$/.test(value.slice(at + 1))) return { ref: value.slice(0, at), generation: Number(value.slice(at + 1)) }
    if (/^\d+$/.test(value)) return Number(value)
  }
  if (typeof value === 'object' && value !== null && typeof (value as { ref?: unknown }).ref === 'string' && typeof (value as { generation?: unknown }).generation === 'number') {
    return value as GenerationSpec
  }
  throw new InvalidArgumentError(`a generation is a number, "ref:N" or {"ref", "generation"}, received ${stringifyExact(value ?? null)}`, { parameter: 'generation', expected: 'N, "ref:N" or {ref, generation}', received: value === undefined ? 'undefined' : stringifyExact(value) })
}
