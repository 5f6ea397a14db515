import * as z from 'zod'
import { InvalidLineageError } from '../errors/index.js'

/**
 * Lineage: who descends from whom. Each individual of a generation may carry an id and the ids of
 * its parents; the store keeps them in the sidecar (never in `gen_<n>.json`, which the original
 * readers must see unchanged). Everything here is pure: schemas, id derivation and validation.
 * The graph walk over stored generations lives in `lineage-graph.ts`.
 * @module
 */

/** An individual's id: a non-empty string or a safe integer, unique within its generation. */
export const lineageIdSchema = z.union([z.string().min(1), z.number().int().refine(Number.isSafeInteger, 'must be a safe integer')])

/** An individual's id. Ids are compared by their text, so `5` and `"5"` name the same individual. */
export type LineageId = z.infer<typeof lineageIdSchema>

/** A parent: an individual of an earlier generation, on the child's branch unless `ref` names another (a migrant's island). */
export const lineageParentSchema = z.strictObject({
  generation: z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer'),
  id: lineageIdSchema,
  ref: z.string().min(1).optional(),
})

/** A parent as recorded. */
export type LineageParent = z.infer<typeof lineageParentSchema>

/** What the sidecar records for one individual. */
export const lineageEntrySchema = z.strictObject({
  id: lineageIdSchema,
  /** The operator that made it: `'crossover' | 'mutation' | 'elite' | 'migrant'` or your own name. */
  op: z.string().min(1).optional(),
  parents: z.array(lineageParentSchema),
})

/** One individual's recorded lineage. */
export type LineageEntry = z.infer<typeof lineageEntrySchema>

/** The sidecar's `lineage`: one entry per individual, in population order. */
export const generationLineageSchema = z.array(lineageEntrySchema)

/** What a caller passes for one individual on save; `id` and `parents` may be left out. */
export interface LineageInput {
  /** Overrides the id taken from the individual. */
  id?: LineageId
  parents?: LineageParent[]
  op?: string
}

const inputEntrySchema = z.strictObject({
  id: lineageIdSchema.optional(),
  op: z.string().min(1).optional(),
  parents: z.array(lineageParentSchema).optional(),
})

const isId = (v: unknown): v is LineageId => (typeof v === 'string' ? v.length > 0 : Number.isSafeInteger(v))
const plain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * The same test as `inputEntrySchema`, by hand: a save of 1000 individuals checks 1000 entries,
 * and zod's general machinery there costs more than the 10% a save may spend on lineage. zod
 * still runs on anything this refuses, to word the error.
 */
function isValidInput(entry: unknown): boolean {
  if (!plain(entry)) return false
  for (const key in entry) {
    const v = entry[key]
    if (key === 'id') {
      if (v !== undefined && !isId(v)) return false
    } else if (key === 'op') {
      if (v !== undefined && (typeof v !== 'string' || v.length === 0)) return false
    } else if (key === 'parents') {
      if (v === undefined) continue
      if (!Array.isArray(v)) return false
      for (const p of v as unknown[]) {
        if (!plain(p) || !isId(p['id']) || !Number.isSafeInteger(p['generation']) || (p['generation'] as number) < 0) return false
        for (const k in p) if (k !== 'id' && k !== 'generation' && !(k === 'ref' && (p[k] === undefined || (typeof p[k] === 'string' && p[k].length > 0)))) return false
      }
    } else return false
  }
  return true
}

/** The text ids are compared by. */
export function idText(id: LineageId): string {
  return typeof id === 'string' ? id : String(id)
}

/** The id used when nothing else names an individual: `<generation>:<index>`. */
export function positionalId(generation: number, index: number): string {
  return `${generation}:${index}`
}

/**
 * The id of one individual. In order: the id given in its lineage entry, the configured key
 * field, an `id` field, else `<generation>:<index>`. An explicit choice beats a guess, and a field
 * only counts when it holds a usable id (a non-empty string or a safe integer).
 */
export function deriveId(options: { individual: unknown; index: number; generation: number; explicit?: LineageId | undefined; keyField?: string | undefined }): LineageId {
  if (options.explicit !== undefined) return options.explicit
  const record = typeof options.individual === 'object' && options.individual !== null ? (options.individual as Record<string, unknown>) : null
  for (const field of [options.keyField, 'id']) {
    if (field === undefined || record === null) continue
    const value = record[field]
    if (isId(value)) return value
  }
  return positionalId(options.generation, options.index)
}

/** The ids of a whole population, derived as {@link deriveId} does, with no lineage entries given. */
export function deriveIds(population: readonly unknown[], generation: number, keyField?: string): LineageId[] {
  return population.map((individual, index) => deriveId({ individual, index, generation, keyField }))
}

/**
 * Checks a save's `lineage` option against its population and returns what the sidecar records:
 * one entry per individual with its id settled. Refuses (E_INVALID_LINEAGE) a wrong count, a
 * malformed entry, duplicate ids, and a parent in the same or a later generation of the branch
 * itself (a parent on another `ref` may be at any generation). Whether each parent exists is for
 * the store to check, since that needs the stored generations.
 */
export function normalizeLineage(options: { lineage: unknown; population: readonly unknown[]; generation: number; keyField?: string | undefined }): LineageEntry[] {
  const { lineage, population, generation } = options
  const fail = (message: string, data: Omit<InvalidLineageError['data'], 'generation'>): never => {
    throw new InvalidLineageError(`lineage of generation ${generation}: ${message}`, { generation, ...data })
  }
  if (!Array.isArray(lineage)) return fail(`must be an array with one entry per individual, received ${lineage === null ? 'null' : typeof lineage}`, { reason: 'not an array' })
  if (lineage.length !== population.length) {
    return fail(`has ${lineage.length} entries for ${population.length} individuals; give one per individual, in population order`, { reason: 'wrong length' })
  }
  const out: LineageEntry[] = []
  const seen = new Map<string, number>()
  for (let index = 0; index < lineage.length; index++) {
    let entry = (lineage[index] ?? {}) as LineageInput
    if (!isValidInput(entry)) {
      const parsed = inputEntrySchema.safeParse(entry)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : ''
        return fail(`entry ${index}${at}: ${issue?.message ?? 'invalid'}`, { index, reason: 'malformed entry' })
      }
      entry = parsed.data
    }
    const id = deriveId({ individual: population[index], index, generation, explicit: entry.id, keyField: options.keyField })
    const text = idText(id)
    const earlier = seen.get(text)
    if (earlier !== undefined) return fail(`individuals ${earlier} and ${index} both have the id ${JSON.stringify(id)}; ids must be unique within a generation`, { index, id, reason: 'duplicate id' })
    seen.set(text, index)
    const parents = entry.parents ?? []
    for (const parent of parents) {
      if (parent.ref === undefined && parent.generation >= generation) {
        return fail(`individual ${index} (${JSON.stringify(id)}) names parent ${JSON.stringify(parent.id)} in generation ${parent.generation}, which is not earlier than ${generation}`, {
          index,
          id,
          parent,
          reason: 'parent not earlier',
        })
      }
    }
    out.push({ id, ...(entry.op === undefined ? {} : { op: entry.op }), parents: parents.map((p) => ({ generation: p.generation, id: p.id, ...(p.ref === undefined ? {} : { ref: p.ref }) })) })
  }
  return out
}

/** Where each id sits in a generation: id text → index. */
export function indexById(ids: readonly LineageId[]): Map<string, number> {
  const map = new Map<string, number>()
  ids.forEach((id, i) => {
    const text = idText(id)
    if (!map.has(text)) map.set(text, i)
  })
  return map
}
