import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { BIN } from '../cli/run-cli.js'

const SCRIPT = resolve(import.meta.dirname, '../../examples/python/test_evogit_store.py')

describe('examples/python/evogit_store.py, the drop-in PersonaStore', () => {
  it('runs an evolution loop in python3 through one evogit serve child: save, resume at N+1, branch', async () => {
    const { stdout, stderr } = await promisify(execFile)('python3', [SCRIPT, '-v'], {
      env: { ...process.env, EVOGIT: `${process.execPath} ${BIN}`, GIT_CONFIG_NOSYSTEM: '1' },
      encoding: 'utf8',
    }).catch((err: { stdout: string; stderr: string }) => {
      throw new Error(`the Python test failed:\n${err.stdout}\n${err.stderr}`)
    })
    expect(stderr).toMatch(/Ran 1 test/)
    expect(stderr).toMatch(/\nOK\s*$/)
    expect(stdout).toBe('')
  }, 120_000)
})
