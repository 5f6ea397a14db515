import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import { deflateSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ObjectDatabase } from '../../src/git/objects.js'
import { openStore } from '../../src/index.js'
import { isValidRefName } from '../../src/model/refname.js'
import { errorOf, expectCleanRepo, git, tempDir } from '../helpers.js'

describe('repair', () => {
  it('a torn object left by an older crash does not block the save that needs it', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 0 }])
    // The blob the next save will write, truncated in place (what an in-place writer leaves).
    const content = Buffer.from('[\n  {\n    "a": 1\n  }\n]\n')
    const full = deflateSync(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]))
    const realOid = ObjectDatabase.hash('blob', content)
    mkdirSync(join(dir, '.git/objects', realOid.slice(0, 2)), { recursive: true })
    writeFileSync(join(dir, '.git/objects', realOid.slice(0, 2), realOid.slice(2)), full.subarray(0, full.length >> 1))
    const saved = await store.saveGeneration(1, [{ a: 1 }])
    expect(saved.blob).toBe(realOid)
    expectCleanRepo(dir)
  })

  it('verify reports a git lock it cannot attribute to a crashed evogit writer, and repair leaves it alone', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir, lock: { timeoutMs: 500 } })
    await store.saveGeneration(0, [{ a: 0 }])
    writeFileSync(join(dir, '.git/refs/heads/main.lock'), 'someone else\n')
    expect((await errorOf(store.saveGeneration(1, [{ a: 1 }]))).code).toBe('E_LOCKED')
    const report = await store.verify({ repair: true })
    expect(report.leftovers).toEqual([expect.objectContaining({ code: 'E_STALE_GIT_LOCK', path: '.git/refs/heads/main.lock' })])
    expect(readFileSync(join(dir, '.git/refs/heads/main.lock'), 'utf8')).toBe('someone else\n')
  })

  it('a temp file holding HEAD\'s content goes into place; a hand edit is never overwritten', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 0 }])
    await store.saveGeneration(1, [{ a: 1 }])
    const committed = readFileSync(join(dir, 'gen_1.json'))
    // As after a crash past the commit point: the working copy still old, the new one in a dead writer's temp file.
    writeFileSync(join(dir, 'gen_1.json'), readFileSync(join(dir, 'gen_0.json')))
    git(dir, 'update-index', '--cacheinfo', `100644,${git(dir, 'hash-object', '-w', 'gen_1.json').trim()},gen_1.json`)
    writeFileSync(join(dir, `.gen_1.json.999999.0123abcd.evogit-tmp`), committed)
    const dryRun = await store.verify()
    expect(dryRun.leftovers.map((l) => l.code)).toEqual(['E_WORKTREE_LAGS_HEAD'])
    const report = await store.verify({ repair: true })
    expect(report.repaired.map((a) => [a.action, a.path])).toEqual([
      ['restored-file', 'gen_1.json'],
      ['updated-index-entry', 'gen_1.json'],
    ])
    expectCleanRepo(dir)
    // Now a hand edit plus a leftover temp file: the edit wins.
    writeFileSync(join(dir, 'gen_1.json'), '[{"edited": true}]\n')
    writeFileSync(join(dir, `.gen_1.json.999999.4567abcd.evogit-tmp`), committed)
    await store.verify({ repair: true })
    expect(readFileSync(join(dir, 'gen_1.json'), 'utf8')).toBe('[{"edited": true}]\n')
    expect(readdirSync(dir).filter((n) => n.endsWith('.evogit-tmp'))).toEqual([])
    expect(git(dir, 'status', '--porcelain')).toBe(' M gen_1.json\n')
  })
})

describe('security', () => {
  it('no ref name that passes the rules can leave .git/refs (fast-check)', () => {
    const refs = resolve('/repo/.git/refs/heads')
    const segment = fc.oneof(fc.constantFrom('..', '.', '', '~', 'a', 'x.lock', '\\', '%2e%2e'), fc.string({ maxLength: 6 }))
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (parts) => {
        const name = parts.join('/')
        if (!isValidRefName(name)) return
        const path = resolve(refs, name)
        expect(path.startsWith(refs + sep)).toBe(true)
      }),
      { numRuns: 2_000 },
    )
  })

  it('no user input reaches a shell: only compaction runs a process, native git through execFile with an argument array', () => {
    const files: string[] = []
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name))
        else if (e.name.endsWith('.ts')) files.push(join(d, e.name))
      }
    }
    const src = resolve(import.meta.dirname, '../../src')
    walk(src)
    const compactor = join(src, 'git', 'compact.ts')
    const spawning = files.filter((f) => !f.includes(`${sep}cli${sep}`) && /child_process/.test(readFileSync(f, 'utf8')))
    expect(spawning).toEqual([compactor])
    // Nowhere a shell: no child_process exec/execSync (they run one; RegExp#exec is fine), no `shell: true`.
    const shells = files.filter((f) => /(?<![.\w])exec(Sync)?\(|shell:\s*true/.test(readFileSync(f, 'utf8')))
    expect(shells).toEqual([])
    expect(readFileSync(compactor, 'utf8')).toMatch(/execFile\(/)
    expect(files.length).toBeGreaterThan(10)
  })

  it('never writes credentials or identity into .git/config', async () => {
    const dir = join(tempDir(), 'store')
    const store = await openStore({ dir, author: { name: 'Secret Name', email: 'secret@example.com' } })
    await store.saveGeneration(0, [{ token: 'hunter2' }], { meta: { apiKey: 'sk-123' } })
    await store.branch('b', { checkout: true })
    await store.saveGeneration(1, [{ a: 1 }])
    await store.verify({ repair: true })
    const config = readFileSync(join(dir, '.git/config'), 'utf8')
    for (const secret of ['Secret', 'secret@', 'hunter2', 'sk-123', 'url', 'password', 'token', 'credential']) expect(config).not.toContain(secret)
    expect(readdirSync(join(dir, '.git')).filter((n) => n.endsWith('.log'))).toEqual([])
  })
})
