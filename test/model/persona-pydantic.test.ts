import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { personaSchema, strictPersonaSchema } from '../../src/index.js'
import { tempDir } from '../helpers.js'

const MODEL = resolve(import.meta.dirname, '../fixtures/persona_model.py')

/** The original engine's pydantic model writes these files; python3 with pydantic is on the machine (and in CI). */
function pydanticGenerations(seed: number, count: number): unknown[][] {
  const dir = tempDir()
  const written = Number(execFileSync('python3', [MODEL, dir, String(seed), String(count)], { encoding: 'utf8' }).trim())
  const files = readdirSync(dir).filter((n) => n.startsWith('gen_'))
  expect(files).toHaveLength(count)
  const populations = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown[])
  expect(populations.flat()).toHaveLength(written)
  return populations
}

describe('personaSchema is as loose as the original pydantic PersonaGenotype', () => {
  it('accepts every persona the model accepts and writes, and keeps it unchanged', () => {
    const individuals = [1, 2, 3].flatMap((seed) => pydanticGenerations(seed, 30)).flat()
    expect(individuals.length).toBeGreaterThan(300)
    for (const [i, individual] of individuals.entries()) {
      const result = personaSchema.safeParse(individual)
      if (!result.success) throw new Error(`persona ${i} refused: ${JSON.stringify(result.error.issues)} in ${JSON.stringify(individual)}`)
      // Nothing dropped, nothing rewritten: a __proto__ trait key included.
      expect(result.data).toStrictEqual(individual)
    }
    // The generator really does cover what the strict schema refuses, so the test above means something.
    const refusedByStrict = individuals.filter((p) => !strictPersonaSchema.safeParse(p).success)
    expect(refusedByStrict.length).toBeGreaterThan(individuals.length / 2)
    expect(individuals.some((p) => (p as { name: string }).name === '')).toBe(true)
    expect(individuals.some((p) => Object.values((p as { personality_traits: Record<string, number> }).personality_traits).some((v) => v > 1 || v < 0))).toBe(true)
    expect(individuals.some((p) => Object.hasOwn((p as { personality_traits: object }).personality_traits, '__proto__'))).toBe(true)
  })

  it('still refuses what the model refuses, naming the field', () => {
    const base = { name: 'A', age: 30, occupation: '', backstory: '', core_values: [], hobbies: [], personality_traits: {}, communication_style: '', topical_focus: '', interaction_policy: '', goals: [] }
    expect(personaSchema.safeParse(base).success).toBe(true)
    for (const [field, value] of [['age', 30.5], ['age', '30'], ['name', 7], ['core_values', [1]], ['personality_traits', { openness: 'high' }], ['personality_traits', []]] as const) {
      const result = personaSchema.safeParse({ ...base, [field]: value })
      expect(result.success, `${field}=${JSON.stringify(value)}`).toBe(false)
      expect(result.error?.issues[0]?.path[0]).toBe(field)
    }
    const missing: Record<string, unknown> = { ...base }
    delete missing.goals
    expect(personaSchema.safeParse(missing).success).toBe(false)
  })

  it('strictPersonaSchema keeps the domain checks as an opt-in', () => {
    const base = { name: 'A', age: 30, occupation: '', backstory: '', core_values: [], hobbies: [], personality_traits: { openness: 0.5 }, communication_style: '', topical_focus: '', interaction_policy: '', goals: [], extra: 1 }
    expect(strictPersonaSchema.parse(base)).toEqual(base)
    expect(strictPersonaSchema.safeParse({ ...base, name: '' }).success).toBe(false)
    expect(strictPersonaSchema.safeParse({ ...base, age: 17 }).success).toBe(false)
    expect(strictPersonaSchema.safeParse({ ...base, personality_traits: { openness: 1.5 } }).success).toBe(false)
  })
})
