import * as z from 'zod'
import { OBJECTIVE_NAME, OBJECTIVES_FORMAT_VERSION } from './objectives.js'

// Kept apart from objectives.ts: the CLI's formatting code needs directions and labels on every
// `--help`, and only reading the committed file needs zod behind it.

const directionSchema = z.enum(['max', 'min'])

/** The committed `.evogit/objectives.json`. */
export const objectivesFileSchema = z.object({
  formatVersion: z.literal(OBJECTIVES_FORMAT_VERSION),
  primary: z.string().regex(OBJECTIVE_NAME).nullable(),
  objectives: z.record(
    z.string().regex(OBJECTIVE_NAME),
    z.object({ direction: directionSchema, reference: z.number().optional() }),
  ),
})
