import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareTreeEntries, encodeTree, type TreeEntry } from '../../src/git/format.js'
import { encodeTreeEdit } from '../../src/git/tree-splice.js'

const runs = Number(process.env.EVOGIT_PROPERTY_RUNS ?? 200)

/** Names from a few letters, so edits collide with existing entries, files and directories alike. */
const name = fc.stringMatching(/^[ab.][ab0-9]{0,3}$/)
const oid = fc.stringMatching(/^[0-9a-f]{40}$/)
const entry = fc.record({ mode: fc.constantFrom('100644' as const, '40000' as const, '100755' as const), name, oid })
/** One edit: set `name` to a new entry, or remove it. */
const edit = fc.oneof(entry.map((e) => ({ set: e })), name.map((n) => ({ remove: n })))

/** Sorted, one entry per name (a later one wins), as a tree holds them. */
function treeOf(list: TreeEntry[]): TreeEntry[] {
  const byName = new Map(list.map((e) => [e.name, e]))
  return [...byName.values()].sort(compareTreeEntries)
}

/** What TreeStore does: a copy of the base, spliced, survivors kept as the same objects. */
function applyEdit(base: readonly TreeEntry[], change: { set: TreeEntry } | { remove: string }): TreeEntry[] {
  const out = base.filter((e) => e.name !== ('set' in change ? change.set.name : change.remove))
  if ('set' in change) {
    const at = out.findIndex((e) => compareTreeEntries(e, change.set) > 0)
    out.splice(at < 0 ? out.length : at, 0, { ...change.set })
  }
  return out
}

describe('tree encoding as an edit of the parent', () => {
  it('gives the bytes a fresh encoding gives, through any chain of edits', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.array(fc.array(edit, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), (start, steps) => {
        let tree = treeOf(start)
        expect(encodeTreeEdit(tree, null).equals(encodeTree(tree))).toBe(true)
        for (const changes of steps) {
          const next = changes.reduce(applyEdit, tree)
          expect(encodeTreeEdit(next, tree).equals(encodeTree(next))).toBe(true)
          tree = next
        }
      }),
      { numRuns: runs },
    )
  })

  it('encodes afresh when the parent was never encoded here', () => {
    const base: TreeEntry[] = [{ mode: '100644', name: 'gen_1.json', oid: 'a'.repeat(40) }]
    const next = [...base, { mode: '100644' as const, name: 'gen_2.json', oid: 'b'.repeat(40) }]
    expect(encodeTreeEdit(next, base).equals(encodeTree(next))).toBe(true)
  })
})
