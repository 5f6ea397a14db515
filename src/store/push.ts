import { InvalidArgumentError, RefNotFoundError } from '../errors/index.js'
import { pushRef, redactUrl, type RemoteAccess, type RemoteAuth } from '../git/remote.js'
import { assertRefName } from '../model/refname.js'
import type { StoreContext } from './context.js'
import { currentBranch } from './history.js'
import { checkedUrl } from './set-remote.js'

/** Where to push or pull: a remote recorded with `setRemote`, or a URL given directly. */
export interface RemoteOptions {
  /** A remote name from `.git/config` (default `origin`). */
  remote?: string
  /** A URL to use instead of the remote's (push only: pull keeps what it fetches under the recorded remote's name). */
  url?: string
  /** Supplies credentials when the server asks; they are used for this call only and never stored. */
  onAuth?: (url: string) => RemoteAuth | undefined | Promise<RemoteAuth | undefined>
  /** Extra HTTP headers (e.g. an authorization token). */
  headers?: Record<string, string>
}

/** Options of `store.push`. */
export interface PushOptions extends RemoteOptions {
  /** The branch to push (default: the current one). It lands under the same name on the remote. */
  branch?: string
  /** Also push every tag. */
  tags?: boolean
}

/** The arguments of {@link push}: its options plus the store and the positional arguments. */
export interface PushCall extends PushOptions {
  ctx: StoreContext
}

/** What a push sent. */
export interface PushResult {
  url: string
  refs: string[]
}

/** Resolves the URL of a remote name or an explicit URL. */
export async function remoteAccess(ctx: StoreContext, options: RemoteOptions): Promise<RemoteAccess> {
  const url = options.url ?? (await ctx.repo.getConfig(`remote.${assertRefName(options.remote ?? 'origin', 'branch')}.url`))
  if (url === undefined) {
    throw new InvalidArgumentError(`no remote named ${options.remote ?? 'origin'}; add one with setRemote (evogit remote) or pass a url`, {
      parameter: 'remote',
      expected: 'a configured remote or a url',
      received: options.remote ?? 'origin',
    })
  }
  return { url: checkedUrl(url), ...(options.onAuth ? { onAuth: options.onAuth } : {}), ...(options.headers ? { headers: options.headers } : {}) }
}

/**
 * Shares a run: pushes a branch (and optionally the tags) to an ordinary git server over HTTP.
 * The server accepts only fast-forwards, so two runs pushing to one branch can never erase
 * each other's generations: the later one gets `E_REMOTE_REJECTED` and pulls first.
 *
 * @example
 * ```ts
 * await store.push({ url: 'https://git.example.org/lab/run-42.git', tags: true, onAuth: () => ({ username: 'me', password: token }) })
 * ```
 */
export async function push(options: PushCall): Promise<PushResult> {
  const { ctx } = options
  const access = await remoteAccess(ctx, options)
  const branch = options.branch === undefined ? await currentBranch(ctx) : assertRefName(options.branch, 'branch')
  if (!branch) throw new RefNotFoundError('HEAD is detached; name the branch to push', { ref: 'HEAD' })
  if ((await ctx.repo.refs.resolve(`refs/heads/${branch}`)) === null) throw new RefNotFoundError(`branch ${branch} has no commits to push`, { ref: branch })
  const refs = [`refs/heads/${branch}`]
  if (options.tags) refs.push(...(await ctx.repo.refs.list('refs/tags/')))
  for (const ref of refs) await pushRef(ctx.repo, access, ref)
  return { url: redactUrl(access.url), refs }
}
