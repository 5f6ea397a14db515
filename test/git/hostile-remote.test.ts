// Issue #16.6 and #15 (hostile remotes): pulling crafted trees from a real `git http-backend`
// writes nothing outside the store, moves nothing, and leaves the store openable.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isSafeTreeName } from '../../src/git/format.js'
import { openStore } from '../../src/index.js'
import { useGitServer } from '../git-server.js'
import { errorOf, git, tempDir } from '../helpers.js'

const served = useGitServer()

/** Names some git-supported file system resolves to `.git` or outside the tree. */
const HOSTILE_NAMES = ['..', '.git', '.GIT', '.git.', '.git ', '.git. .', 'git~1', '.git~1', '.git::$INDEX_ALLOCATION', '.g\u200cit', '.\u200d.', 'a\\b', '..\\evil']

describe('tree names are at least as strict as isomorphic-git\'s GitTree check', () => {
  it('refuses every spelling of .git and every escaping name, and accepts ordinary names', () => {
    for (const name of HOSTILE_NAMES) expect(isSafeTreeName(name), name).toBe(false)
    for (const name of ['gen_0.json', '.evogit', 'git~0', 'git~10', '.gitignore', '.git-keep', 'a.b', '...', 'a:b', 'ümlaut']) expect(isSafeTreeName(name), name).toBe(true)
  })
})

describe('pulling hostile trees from a real git http-backend', () => {
  it('refuses crafted names, a submodule and a symlink before anything moves; nothing is written outside the store', async () => {
    const bare = join(served.root(), 'run.git')
    const a = await openStore({ dir: join(tempDir(), 'a') })
    await a.saveGeneration(0, [{ a: 1 }])
    await a.setRemote('origin', served.server().url('run.git'))
    await a.push()
    const base = git(bare, 'rev-parse', 'main').trim()
    const baseTree = git(bare, 'rev-parse', 'main^{tree}').trim()
    const raw = (type: string, body: Buffer | string) => execFileSync('git', ['hash-object', '-t', type, '-w', '--literally', '--stdin'], { cwd: bare, input: body }).toString().trim()
    const entry = (mode: string, name: string, oid: string) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')])
    const hook = raw('blob', '#!/bin/sh\necho pwned > /tmp/evogit-pwned\n')
    const hooks = raw('tree', entry('100644', 'post-checkout', hook))
    const evil = raw('tree', entry('40000', 'hooks', hooks))
    const branches: string[] = []
    const craft = (name: string, extra: Buffer) => {
      // The base tree's own entries, plus the hostile one (git does not re-sort --literally trees).
      const tree = raw('tree', Buffer.concat([execFileSync('git', ['cat-file', 'tree', baseTree], { cwd: bare }), extra]))
      const commit = git(bare, 'commit-tree', tree, '-p', base, '-m', name).trim()
      git(bare, 'update-ref', `refs/heads/${name}`, commit)
      branches.push(name)
    }
    HOSTILE_NAMES.forEach((name, i) => craft(`name${i}`, entry('40000', name, evil)))
    craft('submodule', entry('160000', 'zzmodule', base))
    craft('symlink', entry('120000', 'zzlink', raw('blob', '/etc')))

    const root = tempDir()
    const dir = join(root, 'b')
    const b = await openStore({ dir })
    await b.setRemote('origin', served.server().url('run.git'))
    await b.pull({ branch: 'main' })
    const before = readdirSync(root)
    for (const branch of branches) {
      const err = await errorOf(b.pull({ branch, into: 'main' }))
      expect(['E_CORRUPT_OBJECT', 'E_UNSAFE_TREE'], `${branch}: ${err.message}`).toContain(err.code)
      expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(base)
    }
    expect(readdirSync(root)).toEqual(before)
    expect(existsSync(join(dir, '.git', 'hooks', 'post-checkout'))).toBe(false)
    expect(readdirSync(dir).sort()).toEqual(['.evogit', '.git', 'gen_0.json'])
    // (fsck rightly objects to the fetched hostile objects themselves; the store's own state is clean)
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
    expect(git(dir, 'rev-list', '--count', 'main').trim()).toBe('1')
    const reopened = await openStore({ dir })
    expect(await reopened.listGenerations()).toEqual([0])
    expect((await reopened.verify()).branches.find((r) => r.branch === 'main')?.objects).toEqual([])
  })

  it('a 100,000-level nested gen file and a huge gen blob: no crash, typed errors, the store stays openable', async () => {
    // 200 MB as the issue asks with EVOGIT_HOSTILE_BLOB_MB=200; CI (2 cores) uses a quicker size.
    const megabytes = Number(process.env.EVOGIT_HOSTILE_BLOB_MB ?? 24)
    const bare = join(served.root(), 'run.git')
    const a = await openStore({ dir: join(tempDir(), 'a') })
    await a.saveGeneration(0, [{ a: 1 }])
    await a.setRemote('origin', served.server().url('run.git'))
    await a.push()
    const base = git(bare, 'rev-parse', 'main').trim()
    const blob = (input: Buffer | string) => execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: bare, input, maxBuffer: 1 << 30 }).toString().trim()
    const nested = blob(`${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)
    // A valid population of one huge string: the worst case that still parses.
    const huge = blob(Buffer.concat([Buffer.from('[{"x":"'), Buffer.alloc(megabytes << 20, 0x61), Buffer.from('"}]\n')]))
    const tree = execFileSync('git', ['mktree'], { cwd: bare, input: git(bare, 'ls-tree', 'main') + `100644 blob ${nested}\tgen_1.json\n100644 blob ${huge}\tgen_2.json\n` }).toString().trim()
    git(bare, 'update-ref', 'refs/heads/main', git(bare, 'commit-tree', tree, '-p', base, '-m', 'hostile').trim())

    const root = tempDir()
    const dir = join(root, 'b')
    const b = await openStore({ dir })
    await b.setRemote('origin', served.server().url('run.git'))
    const pulled = await b.pull({ branch: 'main' }).catch((err: unknown) => err)
    // Either outcome is acceptable, as long as it is a result or a typed error, never a crash.
    if (pulled instanceof Error) expect((pulled as { code?: string }).code).toMatch(/^E_/)
    else expect((pulled as { outcome: string }).outcome).toBe('created')
    expect(readdirSync(root)).toEqual(['b'])
    const reopened = await openStore({ dir })
    expect(await reopened.listGenerations()).toEqual(pulled instanceof Error ? [] : [0, 1, 2])
    if (!(pulled instanceof Error)) {
      expect((await errorOf(reopened.loadGeneration(1))).code).toMatch(/^E_(CORRUPT_GENERATION|INVALID_JSON)$/)
      expect(await reopened.loadGeneration(0)).toEqual([{ a: 1 }])
    }
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
  })
})
