// Type-level tests: `npm test` runs `tsc` over this file first, so a wrong type fails the run.
import { describe, expectTypeOf, it } from 'vitest'
import * as z from 'zod'
import { openStore, personaSchema, type Persona, type SaveResult, type Sidecar, type Store } from '../src/index.js'
import { tempDir } from './helpers.js'

describe('the generic API follows the schema', () => {
  it('types populations by the schema given to openStore', async () => {
    const personas = await openStore({ dir: tempDir(), schema: personaSchema })
    expectTypeOf(personas.loadGeneration).returns.resolves.toEqualTypeOf<Persona[]>()
    expectTypeOf<Persona['age']>().toEqualTypeOf<number>()
    expectTypeOf<Persona['core_values']>().toEqualTypeOf<string[]>()

    const schema = z.object({ genome: z.array(z.number()), fitness: z.number().default(0) })
    const custom = await openStore({ dir: tempDir(), schema })
    expectTypeOf(custom).toEqualTypeOf<Store<{ genome: number[]; fitness: number }, { genome: number[]; fitness?: number | undefined }>>()
    // Input type: the default makes `fitness` optional when saving…
    expectTypeOf(custom.saveGeneration).parameter(1).toEqualTypeOf<readonly { genome: number[]; fitness?: number | undefined }[]>()
    // …and always present when loading.
    expectTypeOf(custom.loadGeneration).returns.resolves.toEqualTypeOf<{ genome: number[]; fitness: number }[]>()
    expectTypeOf(custom.saveGeneration).returns.resolves.toEqualTypeOf<SaveResult>()
    expectTypeOf(custom.loadMetadata).returns.resolves.toEqualTypeOf<Sidecar | null>()

    const untyped = await openStore({ dir: tempDir() })
    expectTypeOf(untyped.loadGeneration).returns.resolves.toEqualTypeOf<Record<string, unknown>[]>()
  })
})
