import { InvalidArgumentError } from '../errors/index.js'
import { assertRefName } from '../model/refname.js'
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
  if (/^[a-z]+:\/\/[^/]*@/i.test(url)) {
    throw new InvalidArgumentError('`url` contains credentials; evogit never stores them in .git/config — give them at push/pull time instead (EVOGIT_TOKEN for the CLI, onAuth in the library)', {
      parameter: 'url',
      expected: 'a URL without user:password@',
      received: 'a URL with credentials',
    })
  }
  const { repo, lock } = options.ctx
  await lock.run(() => repo.addRemote(name, url))
}

/** Accepts http(s) URLs only: that is what isomorphic-git speaks, and what keeps `file:` or `ext::` tricks out. */
export function checkedUrl(url: unknown): string {
  if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(url)) {
    throw new InvalidArgumentError(`\`url\` must be an http(s) git URL, received ${JSON.stringify(url)}`, { parameter: 'url', expected: 'http(s)://…', received: String(url) })
  }
  return url
}
