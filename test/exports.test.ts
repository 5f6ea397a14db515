import { describe, expect, it } from 'vitest'
import * as evogit from '../src/index.js'

describe('public API', () => {
  it('exports exactly these runtime names (a change here is a change to the contract)', () => {
    expect(Object.keys(evogit).sort()).toEqual(
      [
        'ConcurrentUpdateError',
        'CorruptGenerationError',
        'CorruptObjectError',
        'DetachedHeadError',
        'DirtyWorkingTreeError',
        'DivergedError',
        'EvogitError',
        'GENERATION_FILE_PATTERN',
        'GenerationExistsError',
        'GenerationNotFoundError',
        'IndividualNotFoundError',
        'InvalidArgumentError',
        'InvalidGenerationIdError',
        'InvalidJsonError',
        'InvalidLineageError',
        'InvalidOverrideError',
        'InvalidPopulationError',
        'InvalidRefNameError',
        'InvalidScoresError',
        'NotAStoreError',
        'RefExistsError',
        'RefNotFoundError',
        'REPORT_MODEL_VERSION',
        'REPORT_VIEWS',
        'RemoteError',
        'RemoteRejectedError',
        'SIDECAR_FORMAT_VERSION',
        'STORE_FORMAT_VERSION',
        'StoreIOError',
        'StoreLockedError',
        'UnsafeTreeError',
        'UnsupportedIndexError',
        'DEFAULT_DIRECTION',
        'LosslessNumber',
        'ObjectiveConflictError',
        'better',
        'bestOf',
        'bestOfStats',
        'choosePrimary',
        'directionOf',
        'dominates',
        'formatNumber',
        'hypervolume2d',
        'hypervolume3d',
        'isLosslessNumber',
        'nonDominatedRanks',
        'paretoSummary',
        'worstOf',
        'openStore',
        'personaSchema',
        'renderReport',
        'strictPersonaSchema',
        'sidecarSchema',
      ].sort(),
    )
  })

  it('gives every error class a distinct literal code', () => {
    const codes = (Object.values(evogit) as unknown[])
      .filter((v): v is new (m: string, d: unknown) => evogit.EvogitError => typeof v === 'function' && v.prototype instanceof evogit.EvogitError)
      .map((E) => new E('m', {}).code)
    expect(codes.length).toBeGreaterThan(15)
    expect(new Set(codes).size).toBe(codes.length)
    for (const code of codes) expect(code).toMatch(/^E_[A-Z_]+$/)
  })
})
