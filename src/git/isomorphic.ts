/**
 * isomorphic-git, loaded on first use. Importing it costs ~60 ms of start-up, and the commands
 * that only read (list, log, resume) never need it: loose objects, native packs, loose refs and
 * the config are read by this folder's own code, and so are ref listings and packed refs. Init,
 * remotes, abbreviated ids and packs our reader does not understand still go through it.
 */
import type IsomorphicGitModule from 'isomorphic-git'

type IsomorphicGit = typeof IsomorphicGitModule

let loading: Promise<IsomorphicGit> | undefined

/** The isomorphic-git module (imported once, on the first call). */
export function isoGit(): Promise<IsomorphicGit> {
  return (loading ??= import('isomorphic-git').then((m) => m.default))
}
