// Issue #15 item 1: a checkout that cannot write a tree whole is refused before HEAD moves, and a
// switch journal that cannot be finished never makes opening fail.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/index.js'
import { codeOf, errorOf, expectCleanRepo, git, tempDir } from '../helpers.js'

function mktree(dir: string, lines: string[]): string {
  return execFileSync('git', ['mktree', '--missing'], { cwd: dir, input: lines.map((l) => `${l}\n`).join(''), encoding: 'utf8' }).trim()
}

/** A branch `name` whose tip is HEAD's tree plus (or with replaced) the given `ls-tree` lines. */
function craftBranch(dir: string, name: string, extra: string[], drop: string[] = []): string {
  const base = git(dir, 'ls-tree', 'HEAD').split('\n').filter((l) => l && !drop.some((d) => l.endsWith(`\t${d}`)))
  const tree = mktree(dir, [...base, ...extra])
  const commit = git(dir, 'commit-tree', tree, '-p', 'HEAD', '-m', `crafted ${name}`).trim()
  git(dir, 'update-ref', `refs/heads/${name}`, commit)
  return commit
}

async function storeWithGeneration(): Promise<{ dir: string; store: Store<unknown>; head: string }> {
  const dir = join(tempDir(), 'store')
  const store = await openStore({ dir })
  await store.saveGeneration(0, [{ a: 1 }])
  return { dir, store, head: git(dir, 'rev-parse', 'HEAD').trim() }
}

async function expectRefusedBeforeHeadMoved(dir: string, store: Store<unknown>, branch: string, path: string): Promise<void> {
  const before = git(dir, 'symbolic-ref', 'HEAD').trim()
  const err = await errorOf(store.checkout(branch))
  expect(err.code).toBe('E_UNSAFE_TREE')
  expect((err.data as { path: string }).path).toBe(path)
  expect(git(dir, 'symbolic-ref', 'HEAD').trim()).toBe(before)
  expect(existsSync(join(dir, '.git', 'evogit', 'pending.json'))).toBe(false)
  // (fsck would rightly object to the crafted branches themselves; the working tree is what matters)
  expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
  const reopened = await openStore({ dir })
  expect(await reopened.listGenerations()).toEqual([0])
  expect((await reopened.verify()).leftovers).toEqual([])
}

describe('a checkout checks every entry it will write before HEAD moves', () => {
  it('refuses a submodule entry (mode 160000)', async () => {
    const { dir, store } = await storeWithGeneration()
    craftBranch(dir, 'sub', [`160000 commit ${'1'.repeat(40)}\tmodule`])
    await expectRefusedBeforeHeadMoved(dir, store, 'sub', 'module')
  })

  it('refuses .evogit as a symbolic link, and a link anywhere', async () => {
    const { dir, store } = await storeWithGeneration()
    const target = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: '/tmp' }).toString().trim()
    craftBranch(dir, 'linked', [`120000 blob ${target}\t.evogit`], ['.evogit'])
    await expectRefusedBeforeHeadMoved(dir, store, 'linked', '.evogit')
    craftBranch(dir, 'link2', [`120000 blob ${target}\tnotes`])
    await expectRefusedBeforeHeadMoved(dir, store, 'link2', 'notes')
  })

  it('refuses gen_<n>.json as a directory, and a missing blob', async () => {
    const { dir, store } = await storeWithGeneration()
    const inner = mktree(dir, [`100644 blob ${git(dir, 'rev-parse', 'HEAD:gen_0.json').trim()}\tx`])
    craftBranch(dir, 'gendir', [`040000 tree ${inner}\tgen_1.json`])
    await expectRefusedBeforeHeadMoved(dir, store, 'gendir', 'gen_1.json')
    craftBranch(dir, 'missing', [`100644 blob ${'2'.repeat(40)}\tgen_7.json`])
    await expectRefusedBeforeHeadMoved(dir, store, 'missing', 'gen_7.json')
  })

  it('refuses a tree with two entries of one name', async () => {
    const { dir, store } = await storeWithGeneration()
    const blob = git(dir, 'rev-parse', 'HEAD:gen_0.json').trim()
    const entry = Buffer.concat([Buffer.from('100644 gen_5.json\0'), Buffer.from(blob, 'hex')])
    const meta = git(dir, 'rev-parse', 'HEAD:.evogit').trim()
    const raw = Buffer.concat([Buffer.from('40000 .evogit\0'), Buffer.from(meta, 'hex'), Buffer.from('100644 gen_0.json\0'), Buffer.from(blob, 'hex'), entry, entry])
    const tree = execFileSync('git', ['hash-object', '-t', 'tree', '-w', '--literally', '--stdin'], { cwd: dir, input: raw }).toString().trim()
    git(dir, 'update-ref', 'refs/heads/dup', git(dir, 'commit-tree', tree, '-p', 'HEAD', '-m', 'dup').trim())
    await expectRefusedBeforeHeadMoved(dir, store, 'dup', 'gen_5.json')
  })
})

describe('a switch journal that cannot be finished', () => {
  /** HEAD already on `sub` whose tree cannot be written, and the journal of that switch: as a crash of an older version left it. */
  async function stuckStore(): Promise<{ dir: string; mainTree: string }> {
    const { dir } = await storeWithGeneration()
    const mainTree = git(dir, 'rev-parse', 'HEAD^{tree}').trim()
    const sub = craftBranch(dir, 'sub', [`160000 commit ${'1'.repeat(40)}\tmodule`])
    git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/sub')
    const journal = { op: 'checkout', from: mainTree, to: git(dir, 'rev-parse', `${sub}^{tree}`).trim(), move: { kind: 'head', before: 'refs/heads/main', after: 'refs/heads/sub' } }
    mkdirSync(join(dir, '.git', 'evogit'), { recursive: true })
    writeFileSync(join(dir, '.git', 'evogit', 'pending.json'), JSON.stringify(journal))
    return { dir, mainTree }
  }

  it('never makes opening fail; verify reports it; verify --repair rolls back to the journal\'s from and says so', async () => {
    const { dir } = await stuckStore()
    const store = await openStore({ dir })
    expect(await store.listGenerations()).toEqual([0])
    const report = await store.verify()
    expect(report.ok).toBe(false)
    expect(report.leftovers.map((l) => l.code)).toContain('E_PENDING_SWITCH')
    const repaired = await store.verify({ repair: true })
    const action = repaired.repaired.find((a) => a.action === 'finished-switch')
    expect(action?.reason).toMatch(/moved the ref back/)
    expect(git(dir, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main')
    expect(existsSync(join(dir, '.git', 'evogit', 'pending.json'))).toBe(false)
    expectCleanRepo(dir)
  })

  it('checkout --force resolves it first and reports how', async () => {
    const { dir } = await stuckStore()
    const store = await openStore({ dir })
    const result = await store.checkout('main', { force: true })
    expect(result.resolvedPending).toBe('rolled-back')
    expect(git(dir, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main')
    expectCleanRepo(dir)
    expect(await codeOf(store.checkout('sub'))).toBe('E_UNSAFE_TREE')
  })
})
