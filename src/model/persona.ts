import * as z from 'zod'

/**
 * `Dict[str, float]` as pydantic reads it: any string keys, any finite numbers. A plain
 * `z.record` would copy the object and silently drop a `__proto__` key, so the object is
 * checked in place and returned as it came.
 */
const traitsSchema = z.custom<Record<string, number>>().superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected an object of numbers (Dict[str, float])' })
    return
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) ctx.addIssue({ code: 'custom', path: [key], message: 'expected a finite number' })
  }
})

/** pydantic's `int`: any integer, not only the safe ones (Python ints are unbounded). */
const integerSchema = z.number().refine(Number.isInteger, { message: 'expected an integer' })

/**
 * The persona genotype of the original Python `PersonaStore`, field for field and exactly as
 * loose as its pydantic model: `name: str` may be empty, `age: int` any integer,
 * `personality_traits: Dict[str, float]` any numbers. Whatever the original engine wrote with
 * `model_dump()` is accepted, so importing an old run never fails on valid data. Unknown keys
 * are kept rather than stripped, so saving a persona never silently drops data. For the checks
 * the engine's domain implies (a non-empty name, adults, traits in 0–1) use
 * {@link strictPersonaSchema}.
 *
 * @example
 * ```ts
 * const store = await openStore({ dir: 'persona_data', schema: personaSchema })
 * ```
 */
export const personaSchema = z.looseObject({
  name: z.string(),
  age: integerSchema,
  occupation: z.string(),
  backstory: z.string(),
  core_values: z.array(z.string()),
  hobbies: z.array(z.string()),
  personality_traits: traitsSchema,
  communication_style: z.string(),
  topical_focus: z.string(),
  interaction_policy: z.string(),
  goals: z.array(z.string()),
})

/**
 * {@link personaSchema} with the domain checks the original model does not make: a non-empty
 * name, an integer age of at least 18, and every personality trait between 0 and 1. Opt in
 * for runs you start with evogit; keep `personaSchema` for data written by the Python engine.
 *
 * @example
 * ```ts
 * const store = await openStore({ dir: 'runs/new', schema: strictPersonaSchema })
 * ```
 */
export const strictPersonaSchema = personaSchema.extend({
  name: z.string().min(1),
  age: z.number().int().min(18),
  personality_traits: z.record(z.string(), z.number().min(0).max(1)),
})

/** One persona, as returned by `loadGeneration` on a store opened with {@link personaSchema}. */
export type Persona = z.infer<typeof personaSchema>
