import { RemoteError, RemoteRejectedError } from '../errors/index.js'
import { isoGit } from './isomorphic.js'
import { repoCore, type Repository } from './repository.js'

/** isomorphic-git's node HTTP client, loaded with it: only push and pull need either. */
async function client() {
  const [git, http] = await Promise.all([isoGit(), import('isomorphic-git/http/node').then((m) => m.default)])
  return { git, http }
}

/** Credentials for a remote, asked for when needed and never written anywhere. */
export interface RemoteAuth {
  username?: string
  password?: string
  headers?: Record<string, string>
}

/** How to reach a remote: a URL, plus optional credentials and extra headers. */
export interface RemoteAccess {
  url: string
  onAuth?: (url: string) => RemoteAuth | undefined | Promise<RemoteAuth | undefined>
  headers?: Record<string, string>
}

/** URLs as shown in messages and errors: any `user:password@` is masked, so logs never carry credentials. */
export function redactUrl(url: string): string {
  // Up to the last `@`: a password may itself contain `@` or `/` when not percent-encoded.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^#?]*@/i, '$1***@')
}

/** The credentials and headers isomorphic-git should send, for push and fetch alike. */
function authOptions(access: RemoteAccess): { onAuth?: RemoteAccess['onAuth']; headers?: Record<string, string> } {
  return { ...(access.onAuth ? { onAuth: access.onAuth } : {}), ...(access.headers ? { headers: access.headers } : {}) }
}

/** Pushes one ref over smart HTTP; a non-fast-forward is refused by the remote and reported, never forced. */
export async function pushRef(repo: Repository, access: RemoteAccess, ref: string): Promise<void> {
  try {
    const { git, http } = await client()
    const result = await git.push({
      fs: repoCore(repo).isoFs,
      http,
      gitdir: repoCore(repo).gitdir,
      url: access.url,
      ref,
      remoteRef: ref,
      force: false,
      ...authOptions(access),
    })
    if (!result.ok) throw new RemoteRejectedError(`${redactUrl(access.url)} refused ${ref}: ${result.error ?? 'unknown reason'}`, { ref, url: redactUrl(access.url), reason: result.error ?? 'unknown' })
  } catch (err) {
    throw remoteError(err, access.url, ref)
  }
}

/**
 * Fetches the remote's branches into `refs/remotes/<remote>/` and its tags, and returns the tip of
 * `branch` (or `null` when the remote lacks it). All branches come along because isomorphic-git
 * fetches tags only on a full fetch, and shared runs need their tags.
 */
export async function fetchBranch(repo: Repository, access: RemoteAccess, remote: string, branch: string): Promise<string | null> {
  try {
    const { git, http } = await client()
    const result = await git.fetch({
      fs: repoCore(repo).isoFs,
      http,
      gitdir: repoCore(repo).gitdir,
      url: access.url,
      remote,
      ref: branch,
      singleBranch: false,
      tags: true,
      ...authOptions(access),
    })
    if (result.fetchHead === null) return null
  } catch (err) {
    throw remoteError(err, access.url, `refs/heads/${branch}`)
  }
  return repo.refs.resolve(`refs/remotes/${remote}/${branch}`)
}

function remoteError(err: unknown, url: string, ref: string): Error {
  if (err instanceof RemoteRejectedError || err instanceof RemoteError) return err
  const code = (err as { code?: string }).code
  const message = err instanceof Error ? err.message : String(err)
  if (code === 'PushRejectedError') {
    return new RemoteRejectedError(
      `${redactUrl(url)} has commits on ${ref} that this store does not; pull first — nothing was overwritten`,
      { ref, url: redactUrl(url), reason: message },
      { cause: err },
    )
  }
  return new RemoteError(`could not reach ${redactUrl(url)} for ${ref}: ${message.replace(url, redactUrl(url))}`, { url: redactUrl(url), reason: message.replace(url, redactUrl(url)) }, { cause: err })
}
