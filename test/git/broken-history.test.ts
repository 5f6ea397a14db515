// Issue #15 item 2: verify walks the whole commit graph of every ref; broken branches are marked
// in branches() instead of failing the whole call; healthy branches keep working.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/index.js'
import { git, tempDir } from '../helpers.js'

const MISSING = 'dead'.repeat(10)

function writeRaw(dir: string, type: string, body: string | Buffer): string {
  return execFileSync('git', ['hash-object', '-t', type, '-w', '--literally', '--stdin'], { cwd: dir, input: body }).toString().trim()
}

describe('a branch with a broken history', () => {
  it('is reported by verify with its missing object, marked broken in branches(), and healthy branches keep working', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    await store.saveGeneration(1, [{ a: 2 }])
    const tree = git(dir, 'rev-parse', 'HEAD^{tree}').trim()
    // As after a shallow import: the branch's commit names a parent the repository does not have.
    const broken = writeRaw(dir, 'commit', `tree ${tree}\nparent ${MISSING}\nauthor t <t@t> 1767225600 +0000\ncommitter t <t@t> 1767225600 +0000\n\nshallow\n`)
    git(dir, 'update-ref', 'refs/heads/broken', broken)

    const report = await store.verify()
    expect(report.ok).toBe(false)
    const brokenReport = report.branches.find((b) => b.branch === 'broken')!
    expect(brokenReport.objects).toEqual([expect.objectContaining({ code: 'E_CORRUPT_OBJECT', oid: MISSING })])
    expect(report.branches.find((b) => b.branch === 'main')!.objects).toEqual([])

    const listed = await store.branches()
    expect(listed.map((b) => [b.name, b.broken ?? false])).toEqual([
      ['broken', true],
      ['main', false],
    ])
    const created = await store.branch('new', { from: 0 })
    expect(created.name).toBe('new')
    expect(created.broken).toBeUndefined()
    expect(await store.listGenerations({ ref: 'new' })).toEqual([0])
  })

  it('verify reports tree shapes no checkout writes: gen_<n>.json as a directory, duplicate entries, .evogit as a link', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    expect((await store.verify()).ok).toBe(true)
    const blob = git(dir, 'rev-parse', 'HEAD:gen_0.json').trim()
    const inner = writeRaw(dir, 'tree', Buffer.concat([Buffer.from('100644 x\0'), Buffer.from(blob, 'hex')]))
    const link = writeRaw(dir, 'blob', '/etc')
    const entry = (mode: string, name: string, oid: string) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')])
    const tree = writeRaw(dir, 'tree', Buffer.concat([entry('120000', '.evogit', link), entry('100644', 'gen_0.json', blob), entry('100644', 'gen_0.json', blob), entry('40000', 'gen_1.json', inner)]))
    git(dir, 'update-ref', 'refs/heads/odd', git(dir, 'commit-tree', tree, '-p', 'HEAD', '-m', 'odd').trim())
    const report = await store.verify()
    expect(report.ok).toBe(false)
    const where = report.branches.find((b) => b.branch === 'odd')!.objects.map((o) => [o.code, o.where])
    expect(where).toEqual(
      expect.arrayContaining([
        ['E_UNSAFE_TREE', '.evogit'],
        ['E_UNSAFE_TREE', 'gen_0.json'],
        ['E_UNSAFE_TREE', 'gen_1.json'],
      ]),
    )
  })
})
