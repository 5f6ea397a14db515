import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { canonicalJson, keyOrderFor } from '../../src/model/canonical-json.js'
import { personaSchema } from '../../src/model/persona.js'
import { serializePopulation, validatePopulation } from '../../src/model/population.js'
import { yieldsCanonicalJson } from '../../src/model/validated-json.js'

describe('schemas whose zod output is already canonical JSON', () => {
  it('knows strict objects of strings, finite numbers, enums and arrays of them', () => {
    expect(yieldsCanonicalJson(z.object({ b: z.string(), a: z.number().int(), c: z.array(z.enum(['x', 'y'])), d: z.boolean().nullable(), e: z.string().optional() }))).toBe(true)
    expect(yieldsCanonicalJson(z.strictObject({ a: z.union([z.literal(1), z.literal('one')]) }))).toBe(true)
  })

  it('refuses anything zod may return unordered or non-JSON', () => {
    const refused = [
      z.looseObject({ a: z.string() }), // undeclared keys come in input order
      z.record(z.string(), z.number()), // keys in input order
      z.object({ a: z.custom<unknown>() }),
      z.object({ a: z.date() }),
      z.object({ a: z.bigint() }),
      z.object({ a: z.number().default(Number.NaN) }), // defaults are not parsed
      z.object({ a: z.string().transform((s) => new Date(s)) }),
      z.array(z.string().optional()), // an undefined element is not JSON
      z.object({ a: z.literal(1n) }),
      z.unknown(),
    ]
    for (const schema of refused) expect(yieldsCanonicalJson(schema)).toBe(false)
  })

  it('the persona schema keeps walking its traits and undeclared keys, but not its plain fields', () => {
    const order = keyOrderFor(personaSchema)
    expect(order.kind).toBe('object')
    if (order.kind !== 'object') return
    expect(order.fields.get('name')?.kind).toBe('validated')
    expect(order.fields.get('core_values')?.kind).toBe('validated')
    expect(order.fields.get('personality_traits')?.kind).toBe('sorted')
  })

  it('gives byte for byte what the full walk gives, for validated populations', () => {
    const word = fc.string({ maxLength: 6 })
    const persona = fc.record({
      name: word,
      age: fc.integer(),
      occupation: word,
      backstory: word,
      core_values: fc.array(word, { maxLength: 3 }),
      hobbies: fc.array(word, { maxLength: 3 }),
      personality_traits: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
      communication_style: word,
      topical_focus: word,
      interaction_policy: word,
      goals: fc.array(word, { maxLength: 3 }),
    })
    // Undeclared keys, in any order, in front of the declared ones too.
    const individual = fc.tuple(persona, fc.dictionary(fc.constantFrom('zeta', 'alpha', 'mid'), fc.oneof(fc.integer(), fc.string()))).map(([p, extra]) => ({ ...extra, ...p }))
    const populationSchema = z.array(personaSchema)
    const order = keyOrderFor(personaSchema)
    fc.assert(
      fc.property(fc.array(individual, { maxLength: 5 }), (population) => {
        const valid = validatePopulation({ populationSchema, population })
        expect(serializePopulation(valid, order, 0, { validated: true })).toBe(serializePopulation(valid, order))
        expect(serializePopulation(valid, order, 0, { validated: true })).toBe(canonicalJson(population, { kind: 'array', element: order }))
      }),
    )
  })

  it('still refuses what JSON cannot carry when the value did not come from zod', () => {
    const order = keyOrderFor(z.object({ a: z.number() }))
    expect(() => canonicalJson({ a: Number.NaN }, order)).toThrow(/not a finite number/)
  })
})
