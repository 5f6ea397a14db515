import * as z from 'zod'

/**
 * The persona genotype of the original Python `PersonaStore`, field for field.
 * Unknown keys are kept rather than stripped, so saving a persona never silently drops data.
 *
 * @example
 * ```ts
 * const store = await openStore({ dir: 'persona_data', schema: personaSchema })
 * ```
 */
export const personaSchema = z.looseObject({
  name: z.string().min(1),
  age: z.number().int().min(18),
  occupation: z.string(),
  backstory: z.string(),
  core_values: z.array(z.string()),
  hobbies: z.array(z.string()),
  personality_traits: z.record(z.string(), z.number().min(0).max(1)),
  communication_style: z.string(),
  topical_focus: z.string(),
  interaction_policy: z.string(),
  goals: z.array(z.string()),
})

/** One persona, as returned by `loadGeneration` on a store opened with {@link personaSchema}. */
export type Persona = z.infer<typeof personaSchema>
