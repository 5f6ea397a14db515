import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { commandNameOf } from '../../src/cli/program.js'
import { canonicalConfigName, parseGitConfig } from '../../src/git/config.js'
import { openStore } from '../../src/index.js'
import { git, tempDir } from '../helpers.js'

/**
 * What makes start-up cheap must not change what is read. The config reader that replaced
 * isomorphic-git's on the open path is checked against native `git config --get` on a file that
 * uses the format's corners; the lazily built command line against the words it is given.
 */
describe('git config reader', () => {
  const TEXT = [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tbare = false',
    '[User]',
    '\tName = "  Ada  \\"the\\" Lovelace " # a comment',
    '\temail = ada@example.org ; another',
    '[remote "Origin"]',
    '\turl = https://example.org/a.git',
    '\tfetch = +refs/heads/*:refs/remotes/Origin/*',
    '[evogit]',
    '\tformatVersion = 1',
    '\tflag',
    '\tlong = first \\',
    'second',
    '[evogit] formatVersion = 2',
    '[weird.Sub]',
    '\tkey = tab\\there',
    '',
  ].join('\n')

  it('agrees with native git on every key it is asked for', () => {
    const dir = tempDir()
    git(dir, 'init', '-q')
    const path = join(dir, '.git', 'config')
    writeFileSync(path, TEXT)
    const values = parseGitConfig(TEXT)
    for (const key of ['core.bare', 'user.name', 'USER.EMAIL', 'remote.Origin.url', 'remote.Origin.fetch', 'evogit.formatversion', 'evogit.long', 'weird.sub.key']) {
      const native = git(dir, 'config', '--file', path, '--get', key).replace(/\n$/, '')
      expect(values.get(canonicalConfigName(key)), key).toBe(native)
    }
    // A key without `=` is a boolean true (native git prints it as such when asked for a bool).
    expect(values.get('evogit.flag')).toBe(git(dir, 'config', '--file', path, '--type=bool', '--get', 'evogit.flag').trim())
    expect(values.get(canonicalConfigName('remote.origin.url'))).toBeUndefined()
  })

  it('reads what the store and native git wrote, through the open path', async () => {
    const dir = tempDir()
    await openStore({ dir })
    git(dir, 'config', 'user.name', 'Grace "G" Hopper')
    git(dir, 'config', 'user.email', 'grace@example.org')
    const reopened = await openStore({ dir })
    const saved = await reopened.saveGeneration(0, [{ a: 1 }])
    expect((await reopened.log())[0]?.commit).toBe(saved.commit)
    expect(git(dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe('Grace "G" Hopper <grace@example.org>')
  })
})

describe('commandNameOf', () => {
  it('finds the command after global options, and none for help or typos', () => {
    expect(commandNameOf(['list'])).toBe('list')
    expect(commandNameOf(['--dir', 'log', 'list', '--ref', 'x'])).toBe('list')
    expect(commandNameOf(['--json', '--schema', 'persona', 'save', '0', 'f.json'])).toBe('save')
    expect(commandNameOf(['--dir=runs', 'resume', '--json'])).toBe('resume')
    expect(commandNameOf(['--help'])).toBeUndefined()
    expect(commandNameOf(['help', 'list'])).toBeUndefined()
    expect(commandNameOf(['lsit'])).toBeUndefined()
    expect(commandNameOf([])).toBeUndefined()
  })
})

describe('formatUtc', () => {
  it('writes what date-fns writes, for every year its fast path covers and beyond', async () => {
    const { format } = await import('date-fns/format')
    const { UTCDate } = await import('@date-fns/utc')
    const { formatUtc } = await import('../../src/model/time.js')
    const viaDateFns = (d: Date) => format(new UTCDate(d.getTime()), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
    const fc = await import('fast-check')
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(0, 0, 1) - 86_400_000 * 366 * 10, max: Date.UTC(12000, 0, 1) }), (ms) => {
        const d = new Date(ms)
        expect(formatUtc(d)).toBe(viaDateFns(d))
      }),
      { numRuns: 2000 },
    )
    for (const d of [new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), new Date(Date.UTC(10000, 0, 1)), new Date(0)]) expect(formatUtc(d)).toBe(viaDateFns(d))
  })
})
