import type { Command } from 'commander'
import type { RemoteAuth } from '../../index.js'
import { action, examples, type Cli } from '../runtime.js'

/**
 * Credentials come from the environment, never from arguments (which `ps` shows to everyone) and
 * never into `.git/config`: EVOGIT_TOKEN (sent as the password, as git hosts expect), or
 * EVOGIT_USERNAME with EVOGIT_PASSWORD.
 */
function authFromEnv(env: Readonly<Record<string, string | undefined>>): (() => RemoteAuth) | undefined {
  const token = env['EVOGIT_TOKEN']
  if (token) return () => ({ username: env['EVOGIT_USERNAME'] ?? 'evogit', password: token })
  if (env['EVOGIT_USERNAME'] && env['EVOGIT_PASSWORD']) {
    const username = env['EVOGIT_USERNAME']
    const password = env['EVOGIT_PASSWORD']
    return () => ({ username, password })
  }
  return undefined
}

const AUTH_HELP = '\nCredentials: set EVOGIT_TOKEN, or EVOGIT_USERNAME and EVOGIT_PASSWORD; they are never stored.'

/** `evogit remote`, `evogit push`, `evogit pull`: share runs through an ordinary git server. */
export function registerRemote(program: Command, cli: Cli): void {
  program
    .command('remote')
    .summary('record a git server to share the run with')
    .description('Record a remote (like git remote add) by name. URLs carrying credentials are refused.')
    .argument('<name>', 'the remote name, e.g. origin')
    .argument('<url>', 'an http(s) git URL')
    .addHelpText('after', examples('evogit remote origin https://git.example.org/lab/run-42.git'))
    .action(
      action<[string, string], Record<string, never>>(cli, async (ctx, [name, url]) => {
        const store = await ctx.open()
        await store.setRemote(name, url)
        return { json: { remote: name, url }, text: `Remote ${name} → ${url}\n` }
      }),
    )

  program
    .command('push')
    .summary('push a branch (and tags) to a git server; never forces')
    .description('Push the current branch (or --branch) to the remote. A branch that moved on the server is refused, never overwritten: pull first.')
    .option('--remote <name>', 'the remote (default origin)')
    .option('--url <url>', 'a URL instead of a recorded remote')
    .option('--branch <name>', 'the branch to push (default: the current one)')
    .option('--tags', 'push every tag too')
    .addHelpText('after', examples('evogit push', 'evogit push --branch high-mutation --tags') + AUTH_HELP)
    .action(
      action<[], { remote?: string; url?: string; branch?: string; tags?: boolean }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const onAuth = authFromEnv(ctx.io.env)
        const result = await store.push({ ...flags, tags: flags.tags === true, ...(onAuth ? { onAuth } : {}) })
        return { json: result, text: `Pushed ${result.refs.join(', ')} to ${result.url}\n` }
      }),
    )

  program
    .command('pull')
    .summary('bring a branch in from a git server (fast-forward only)')
    .description('Fetch a branch from the remote and fast-forward the local one (created when missing). When both sides saved different generations, nothing is merged: the remote line stays readable as <remote>/<branch>.')
    .option('--remote <name>', 'the remote (default origin)')
    .option('--url <url>', 'a URL instead of a recorded remote')
    .option('--branch <name>', 'the remote branch (default: the current one)')
    .option('--into <name>', 'the local branch to update (default: the same name)')
    .option('--force', 'overwrite uncommitted edits in the working tree')
    .addHelpText('after', examples('evogit pull', 'evogit pull --branch island-3') + AUTH_HELP)
    .action(
      action<[], { remote?: string; url?: string; branch?: string; into?: string; force?: boolean }>(cli, async (ctx, _args, flags) => {
        const store = await ctx.open()
        const onAuth = authFromEnv(ctx.io.env)
        const result = await store.pull({ ...flags, force: flags.force === true, ...(onAuth ? { onAuth } : {}) })
        return { json: result, text: `${result.branch}: ${result.outcome} at ${result.commit.slice(0, 10)}\n` }
      }),
    )
}
