import { RemoteError, RemoteRejectedError } from '../errors/index.js'
import { maskUrl, scrub, SCRUB_MIN_LENGTH, secretsOf } from '../model/url-credentials.js'
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

/**
 * URLs as shown in messages and errors: the userinfo becomes `***@` and token-like query
 * parameters `…=***`, so logs never carry credentials but still name the host.
 */
export function redactUrl(url: string): string {
  return maskUrl(url)
}

/**
 * The credentials and headers isomorphic-git should send, for push and fetch alike, and every
 * secret they and the URL hold, so an error can be scrubbed of them whatever shape it quotes
 * them in (a server's error page may echo the request).
 */
function authOptions(access: RemoteAccess): { options: { onAuth?: RemoteAccess['onAuth']; headers?: Record<string, string> }; secrets: Set<string> } {
  const secrets = new Set(secretsOf(access.url))
  const keep = (value: string | undefined) => {
    if (value !== undefined && value.length >= SCRUB_MIN_LENGTH) secrets.add(value)
  }
  const remember = (auth: RemoteAuth | undefined) => {
    keep(auth?.password)
    for (const value of Object.values(auth?.headers ?? {})) keep(value)
    return auth
  }
  for (const value of Object.values(access.headers ?? {})) keep(value)
  const onAuth = access.onAuth
  const options = {
    ...(onAuth ? { onAuth: async (url: string) => remember(await onAuth(url)) } : {}),
    ...(access.headers ? { headers: access.headers } : {}),
  }
  return { options, secrets }
}

/** Pushes one ref over smart HTTP; a non-fast-forward is refused by the remote and reported, never forced. */
export async function pushRef(repo: Repository, access: RemoteAccess, ref: string): Promise<void> {
  const auth = authOptions(access)
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
      ...auth.options,
    })
    if (!result.ok) {
      const reason = scrub(result.error ?? 'unknown reason', [...auth.secrets])
      throw new RemoteRejectedError(`${redactUrl(access.url)} refused ${ref}: ${reason}`, { ref, url: redactUrl(access.url), reason })
    }
  } catch (err) {
    throw remoteError(err, access.url, ref, auth.secrets)
  }
}

/**
 * Fetches the remote's branches into `refs/remotes/<remote>/` and its tags, and returns the tip of
 * `branch` (or `null` when the remote lacks it). All branches come along because isomorphic-git
 * fetches tags only on a full fetch, and shared runs need their tags.
 */
export async function fetchBranch(repo: Repository, access: RemoteAccess, remote: string, branch: string): Promise<string | null> {
  const auth = authOptions(access)
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
      ...auth.options,
    })
    if (result.fetchHead === null) return null
  } catch (err) {
    throw remoteError(err, access.url, `refs/heads/${branch}`, auth.secrets)
  }
  return repo.refs.resolve(`refs/remotes/${remote}/${branch}`)
}

function remoteError(err: unknown, url: string, ref: string, secrets: Set<string>): Error {
  if (err instanceof RemoteRejectedError || err instanceof RemoteError) return err
  const code = (err as { code?: string }).code
  const message = scrub(err instanceof Error ? err.message : String(err), [...secrets])
  // isomorphic-git's error keeps the server's response and the request URL in its data and
  // stack; the cause we attach is a scrubbed copy, so logging `err.cause` leaks nothing either.
  const cause = Object.assign(new Error(message), { name: err instanceof Error ? err.name : 'Error', ...(code === undefined ? {} : { code }) })
  if (code === 'PushRejectedError') {
    return new RemoteRejectedError(
      `${redactUrl(url)} has commits on ${ref} that this store does not; pull first — nothing was overwritten`,
      { ref, url: redactUrl(url), reason: message },
      { cause },
    )
  }
  return new RemoteError(`could not reach ${redactUrl(url)} for ${ref}: ${message}`, { url: redactUrl(url), reason: message }, { cause })
}
