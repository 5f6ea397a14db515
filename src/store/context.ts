import type * as z from 'zod'
import { RefNotFoundError } from '../errors/index.js'
import type { Repository } from '../git/repository.js'
import type { WriteLock } from '../io/lock.js'
import type { AutoCompactOptions } from './auto-compact.js'
import type { KeyOrder } from '../model/canonical-json.js'
import type { ObjectivesInput } from '../model/objectives.js'
import { assertRefName } from '../model/refname.js'

/** Who commits: name and email, as in `git config user.name` / `user.email`. */
export interface Author {
  name: string
  email: string
}

/** Everything an operation needs to know about an open store. Internal: users hold a `Store`. */
export interface StoreContext<T = unknown> {
  readonly dir: string
  readonly repo: Repository
  readonly schema: z.ZodType<T>
  readonly populationSchema: z.ZodType<T[]>
  readonly keyOrder: KeyOrder
  readonly author: Author
  readonly clock: () => Date
  readonly lock: WriteLock
  /** The field `diff` matches individuals by, when the caller names none. */
  readonly diffKey: string | undefined
  /** Objectives and primary declared in `openStore`; merged into the committed ones on save. */
  readonly declaredObjectives?: { objectives: ObjectivesInput | undefined; primary: string | undefined }
  /** Background compaction after every N saves (`openStore({ autoCompact })`). */
  readonly autoCompact?: AutoCompactOptions
}

/** A commit a read operation should look at, and how the caller named it (for messages). */
export interface ResolvedRef {
  commit: string | null
  name: string
}

const FULL_OID = /^[0-9a-f]{40}$/
const SHORT_OID = /^[0-9a-f]{4,39}$/

/**
 * Resolves what users type as a ref (`main`, `v1`, `refs/heads/x`, a full or abbreviated commit
 * id, `HEAD`) to a commit, peeling annotated tags. `undefined` means the current branch, whose
 * tip is `null` while nothing has been saved on it.
 */
export async function resolveRef(ctx: StoreContext, ref?: string): Promise<ResolvedRef> {
  const repo = ctx.repo
  if (ref === undefined || ref === 'HEAD') {
    const head = await repo.refs.head()
    return { commit: head.oid, name: head.ref ? head.ref.replace(/^refs\/heads\//, '') : 'HEAD' }
  }
  if (typeof ref !== 'string' || ref.length === 0) throw new RefNotFoundError(`ref ${JSON.stringify(ref)} is empty`, { ref: String(ref) })
  const candidates: string[] = []
  if (ref.startsWith('refs/')) {
    assertRefName(ref.slice(5), 'branch')
    candidates.push(ref)
  } else if (!FULL_OID.test(ref)) {
    assertRefName(ref, 'branch')
    candidates.push(`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/remotes/${ref}`, `refs/evogit/${ref}`)
  }
  for (const full of candidates) {
    const oid = await repo.refs.resolve(full)
    if (oid) return { commit: await peelToCommit(ctx, oid, ref), name: ref }
  }
  if (FULL_OID.test(ref) && (await repo.objects.has(ref))) return { commit: await peelToCommit(ctx, ref, ref), name: ref }
  if (SHORT_OID.test(ref)) {
    const expanded = await repo.expandOid(ref)
    if (expanded) return { commit: await peelToCommit(ctx, expanded, ref), name: ref }
  }
  throw new RefNotFoundError(`no branch, tag or commit named ${JSON.stringify(ref)}`, { ref })
}

async function peelToCommit(ctx: StoreContext, oid: string, ref: string): Promise<string> {
  const peeled = await ctx.repo.peel(oid)
  if (peeled.type !== 'commit') throw new RefNotFoundError(`${ref} names a ${peeled.type}, not a commit`, { ref })
  return peeled.oid
}
