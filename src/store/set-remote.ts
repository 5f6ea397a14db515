import { InvalidArgumentError } from '../errors/index.js'
import { assertRefName } from '../model/refname.js'
import { credentialsIn, maskUrl } from '../model/url-credentials.js'
import type { StoreContext } from './context.js'

/** The arguments of {@link setRemote}. */
export interface SetRemoteOptions {
  ctx: StoreContext
  /** The remote's name, e.g. `origin`. */
  name: string
  /** An ordinary git smart-HTTP URL. Credentials do not belong here: pass `onAuth` to push/pull. */
  url: string
}

/**
 * Records a remote in `.git/config`, as `git remote add` would, so `push` and `pull` (and native
 * `git push origin`) can use its name. A URL carrying credentials is refused: the store never
 * writes secrets into its config.
 *
 * @example
 * ```ts
 * await store.setRemote('origin', 'https://git.example.org/lab/run-42.git')
 * ```
 */
export async function setRemote(options: SetRemoteOptions): Promise<void> {
  const name = assertRefName(options.name, 'branch')
  const url = checkedUrl(options.url)
  // Userinfo and token-like query or fragment parameters (`?access_token=`, `?sig=`) are all
  // credentials: .git/config is readable by every tool and often copied around.
  const credentials = credentialsIn(url)
  if (credentials.length > 0) {
    const where = credentials.map((c) => (c.where === 'userinfo' ? 'user:password@' : 'query' in c.where ? `query parameter ${c.where.query}` : `fragment parameter ${c.where.fragment}`))
    throw new InvalidArgumentError(`\`url\` carries credentials (${[...new Set(where)].join(', ')}): ${maskUrl(url)}; evogit never stores them in .git/config — give them at push/pull time instead (EVOGIT_TOKEN for the CLI, onAuth or headers in the library)`, {
      parameter: 'url',
      expected: 'a URL without user:password@ or token-like query parameters',
      received: maskUrl(url),
    })
  }
  const { repo, lock } = options.ctx
  await lock.run(() => repo.addRemote(name, url))
}

/** Accepts http(s) URLs only: that is what isomorphic-git speaks, and what keeps `file:` or `ext::` tricks out. */
export function checkedUrl(url: unknown): string {
  if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(url)) {
    const shown = typeof url === 'string' ? maskUrl(url) : String(url)
    throw new InvalidArgumentError(`\`url\` must be an http(s) git URL, received ${JSON.stringify(shown)}`, { parameter: 'url', expected: 'http(s)://…', received: shown })
  }
  return url
}
