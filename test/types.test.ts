// Type-level tests: `npm test` runs `tsc` over this file first, so a wrong type fails the run.
import { describe, expectTypeOf, it } from 'vitest'
import * as z from 'zod'
import {
  openStore,
  personaSchema,
  type BranchesOptions,
  type BranchOptions,
  type CheckoutOptions,
  type CommitWorkingFilesOptions,
  type CompactOptions,
  type CompareOptions,
  type DiffOptions,
  type ExportRowsOptions,
  type ImportGenerationsOptions,
  type LineageQueryOptions,
  type LoadMetadataOptions,
  type LogOptions,
  type OriginOptions,
  type ParetoOptions,
  type Persona,
  type PullOptions,
  type PushOptions,
  type ReadOptions,
  type ReportOptions,
  type RestoreArchiveOptions,
  type ResumeOptions,
  type RollbackOptions,
  type SaveOptions,
  type SaveResult,
  type SetObjectivesOptions,
  type Sidecar,
  type Store,
  type TagOptions,
  type VerifyOptions,
  type WatchOptions,
} from '../src/index.js'
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

describe('every Store method takes its operation\'s public options type', () => {
  it('names the options type instead of restating it, and none of them exposes the internal context', () => {
    type S = Store<Persona>
    expectTypeOf<S['saveGeneration']>().parameter(2).toEqualTypeOf<SaveOptions<Persona> | undefined>()
    expectTypeOf<S['loadGeneration']>().parameter(1).toEqualTypeOf<ReadOptions | undefined>()
    expectTypeOf<S['listGenerations']>().parameter(0).toEqualTypeOf<ReadOptions | undefined>()
    expectTypeOf<S['loadMetadata']>().parameter(1).toEqualTypeOf<LoadMetadataOptions | undefined>()
    expectTypeOf<S['importGenerations']>().parameter(0).toEqualTypeOf<ImportGenerationsOptions>()
    expectTypeOf<S['resume']>().parameter(0).toEqualTypeOf<ResumeOptions | undefined>()
    expectTypeOf<S['branch']>().parameter(1).toEqualTypeOf<BranchOptions | undefined>()
    expectTypeOf<S['checkout']>().parameter(1).toEqualTypeOf<CheckoutOptions | undefined>()
    expectTypeOf<S['branches']>().parameter(0).toEqualTypeOf<BranchesOptions | undefined>()
    expectTypeOf<S['rollback']>().parameter(1).toEqualTypeOf<RollbackOptions | undefined>()
    expectTypeOf<S['restoreArchive']>().parameter(1).toEqualTypeOf<RestoreArchiveOptions | undefined>()
    expectTypeOf<S['tag']>().parameter(2).toEqualTypeOf<TagOptions | undefined>()
    expectTypeOf<S['log']>().parameter(0).toEqualTypeOf<LogOptions | undefined>()
    expectTypeOf<S['diff']>().parameter(2).toEqualTypeOf<DiffOptions | undefined>()
    expectTypeOf<S['push']>().parameter(0).toEqualTypeOf<PushOptions | undefined>()
    expectTypeOf<S['pull']>().parameter(0).toEqualTypeOf<PullOptions | undefined>()
    expectTypeOf<S['compact']>().parameter(0).toEqualTypeOf<CompactOptions | undefined>()
    expectTypeOf<S['verify']>().parameter(0).toEqualTypeOf<VerifyOptions | undefined>()
    expectTypeOf<S['ancestry']>().parameter(1).toEqualTypeOf<LineageQueryOptions | undefined>()
    expectTypeOf<S['descendants']>().parameter(1).toEqualTypeOf<LineageQueryOptions | undefined>()
    expectTypeOf<S['origin']>().parameter(1).toEqualTypeOf<OriginOptions | undefined>()
    expectTypeOf<S['compare']>().parameter(0).toEqualTypeOf<CompareOptions | undefined>()
    expectTypeOf<S['exportRows']>().parameter(0).toEqualTypeOf<ExportRowsOptions | undefined>()
    expectTypeOf<S['report']>().parameter(0).toEqualTypeOf<ReportOptions | undefined>()
    expectTypeOf<S['objectives']>().parameter(0).toEqualTypeOf<ReadOptions | undefined>()
    expectTypeOf<S['setObjectives']>().parameter(0).toEqualTypeOf<SetObjectivesOptions>()
    expectTypeOf<S['pareto']>().parameter(1).toEqualTypeOf<ParetoOptions | undefined>()
    expectTypeOf<S['commitWorkingFiles']>().parameter(0).toEqualTypeOf<CommitWorkingFilesOptions<Persona> | undefined>()
    expectTypeOf<S['watch']>().parameter(0).toEqualTypeOf<WatchOptions<Persona>>()
    // The context and the injected fs are the binding's business, never the caller's.
    expectTypeOf<'ctx' extends keyof (PushOptions & ReportOptions & VerifyOptions & ImportGenerationsOptions & ResumeOptions) ? true : false>().toEqualTypeOf<false>()
    expectTypeOf<'fs' extends keyof (ReportOptions & VerifyOptions & ImportGenerationsOptions) ? true : false>().toEqualTypeOf<false>()
  })
})
