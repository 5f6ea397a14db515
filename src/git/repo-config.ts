import { ioError, readFileOrNull } from '../io/fs.js'
import { canonicalConfigName, parseGitConfig } from './config.js'
import type { RepoCore } from './core.js'
import { isoGit } from './isomorphic.js'

/**
 * `.git/config` as the store uses it: read by our own parser on every open, written through
 * isomorphic-git only when a store is created, adopted or given a remote.
 */
export class RepoConfig {
  constructor(private readonly core: RepoCore) {}

  /** Reads a git config value (repository-local config only). */
  async get(path: string): Promise<string | undefined> {
    // Read by our own parser (perf, issue #14): isomorphic-git would be loaded on every open just for this.
    const raw = await readFileOrNull(this.core.fs, `${this.core.gitdir}/config`)
    return raw === null ? undefined : parseGitConfig(raw.toString('utf8')).get(canonicalConfigName(path))
  }

  /** Sets a git config value. Only called when a store is created or adopted, never on the save path. */
  async set(path: string, value: string): Promise<void> {
    try {
      await (await isoGit()).setConfig({ fs: this.core.isoFs, gitdir: this.core.gitdir, path, value })
    } catch (err) {
      throw ioError(err, `${this.core.gitdir}/config`, 'write')
    }
  }

  /** Records (or replaces) a remote in `.git/config`, as `git remote add` would. */
  async addRemote(name: string, url: string): Promise<void> {
    await (await isoGit()).addRemote({ fs: this.core.isoFs, gitdir: this.core.gitdir, remote: name, url, force: true })
  }
}
