// Issue #15, item 3: a token in a URL's query string (or its userinfo) is a credential. It is
// refused by `remote`/setRemote, and masked everywhere else, host kept.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redactUrl } from '../../src/git/remote.js'
import { openStore, type EvogitError } from '../../src/index.js'
import { credentialsIn, isCredentialKey, maskUrl } from '../../src/model/url-credentials.js'
import { evogit } from '../cli/run-cli.js'
import { errorOf, git, tempDir } from '../helpers.js'

/** A server on 127.0.0.1 that answers every request with a 500 quoting the URL it was asked for, as some proxies' error pages do. */
let echo: Server
let echoPort = 0
beforeAll(async () => {
  echo = createServer((req, res) => {
    const url = req.url ?? ''
    let decoded = url
    try {
      decoded = decodeURIComponent(url)
    } catch {
      // keep the raw form
    }
    res.writeHead(500, { 'content-type': 'text/plain' })
    res.end(`cannot serve http://${req.headers.host ?? ''}${url} (${decoded}); authorization: ${req.headers.authorization ?? 'none'}`)
  })
  await new Promise<void>((done) => echo.listen(0, '127.0.0.1', done))
  echoPort = (echo.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((done) => echo.close(() => done())))

describe('URL credentials: detection and masking (pure)', () => {
  it('treats credential-like query keys, in any spelling, and any userinfo as credentials', () => {
    for (const key of ['token', 'access_token', 'private_token', 'key', 'password', 'sig', 'Access-Token', 'X-Amz-Signature', 'X-Amz-Security-Token', 'api_key', 'apiKey', 'client_secret', 'auth', 'acc%65ss_token', 'passwd', 'pwd', 'signature', 'code', 'sv', 'jwt']) {
      expect(isCredentialKey(key), key).toBe(true)
    }
    for (const key of ['ref', 'branch', 'service', 'v', 'page', '']) expect(isCredentialKey(key), key).toBe(false)
    expect(credentialsIn('https://host.example/r.git?ref=main&access_token=abc#x')).toEqual([{ where: { query: 'access_token' }, value: 'abc' }])
    expect(credentialsIn('https://tok@host.example/r.git')).toEqual([{ where: 'userinfo', value: 'tok' }])
    expect(credentialsIn('https://host.example/r.git#sig=abc')).toEqual([{ where: { fragment: 'sig' }, value: 'abc' }])
    expect(credentialsIn('https://host.example/user/repo@v1.git?ref=x')).toEqual([])
  })

  it('masks only the secret: scheme, host, port, path and other parameters stay', () => {
    expect(maskUrl('http://127.0.0.1:9/run.git?access_token=SECRET123')).toBe('http://127.0.0.1:9/run.git?access_token=***')
    expect(maskUrl('https://me:pw@git.example.org:8443/lab/r.git?private_token=abc&ref=x;sig=y#key=z')).toBe('https://***@git.example.org:8443/lab/r.git?private_token=***&ref=x;sig=***#key=***')
    expect(maskUrl('http://tok@x.example/r.git')).toBe('http://***@x.example/r.git')
    expect(maskUrl('https://host.example/user/repo@v1.git')).toBe('https://host.example/user/repo@v1.git')
    expect(maskUrl('https://host.example/r.git?ref=main')).toBe('https://host.example/r.git?ref=main')
    // A password with an unencoded "/" or "@" is hidden whole rather than spilling into the path.
    expect(redactUrl('http://me:p@ss/word@host.example/r.git')).toBe('http://***@host.example/r.git')
  })
})

describe('the reproduction from issue #15', () => {
  it('refuses `evogit remote` with a query token, and never prints it from a failed push', async () => {
    const dir = tempDir()
    await (await openStore({ dir })).saveGeneration(0, [{ a: 1 }])
    const url = 'http://127.0.0.1:9/run.git?access_token=SECRET123'
    const configBefore = readFileSync(join(dir, '.git/config'), 'utf8')
    for (const json of [[], ['--json']]) {
      const refused = await evogit(['remote', 'origin', url, ...json], { cwd: dir })
      expect(refused.code).toBe(2)
      expect(refused.stdout + refused.stderr).not.toContain('SECRET123')
      expect(refused.stderr).toContain('access_token')
    }
    expect(readFileSync(join(dir, '.git/config'), 'utf8')).toBe(configBefore)

    const text = await evogit(['push', '--url', url], { cwd: dir })
    expect(text.code).not.toBe(0)
    expect(text.stdout + text.stderr).not.toContain('SECRET123')
    // The host stays in the message: the user can tell which server failed.
    expect(text.stderr).toContain('http://127.0.0.1:9/run.git?access_token=***')
    const json = await evogit(['push', '--url', url, '--json'], { cwd: dir })
    expect(json.stdout + json.stderr).not.toContain('SECRET123')
    const error = (JSON.parse(json.stderr) as { error: { code: string; message: string; data: { url: string } } }).error
    expect(error.code).toBe('E_REMOTE')
    expect(error.data.url).toBe('http://127.0.0.1:9/run.git?access_token=***')
  })
})

/** The places a secret can ride in a URL, and the URL that carries `secret` there. */
const KEYS = ['token', 'access_token', 'private_token', 'key', 'password', 'sig', 'api_key', 'X-Amz-Signature', 'X-Amz-Security-Token', 'client_secret', 'auth', 'signature', 'passwd', 'apikey']
const secretArb = fc.oneof(
  // As tokens are: unreserved characters, written as they are.
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~'), minLength: 8, maxLength: 32 }).map((s) => ({ raw: `Zq${s}`, written: `Zq${s}` })),
  // Any printable characters, percent-encoded in the URL: neither form may show.
  fc.string({ unit: fc.constantFrom(...' !"$%&\'()*+,/:;<=>?@[]^`{|}abcXYZ019'), minLength: 6, maxLength: 20 }).map((s) => ({ raw: `Zq${s}`, written: encodeURIComponent(`Zq${s}`) })),
)
const placeArb = fc.oneof(
  fc.record({ place: fc.constant('token@' as const) }),
  fc.record({ place: fc.constant('user:password@' as const), user: fc.constantFrom('me', 'oauth2', 'x-access-token') }),
  fc.record({
    place: fc.constantFrom('query' as const, 'fragment' as const),
    key: fc.constantFrom(...KEYS).chain((k) => fc.constantFrom(k, k.toUpperCase(), k[0]!.toUpperCase() + k.slice(1))),
    before: fc.constantFrom('', 'ref=main&', 'a=1;'),
    after: fc.constantFrom('', '&v=2', ';page=3'),
  }),
)
type Place = typeof placeArb extends fc.Arbitrary<infer P> ? P : never

function urlWith(base: string, path: string, where: Place, written: string): string {
  const [scheme, host] = base.split('://') as [string, string]
  switch (where.place) {
    case 'token@':
      return `${scheme}://${written}@${host}${path}`
    case 'user:password@':
      return `${scheme}://${where.user}:${written}@${host}${path}`
    case 'query':
      return `${scheme}://${host}${path}?${where.before}${where.key}=${written}${where.after}`
    case 'fragment':
      return `${scheme}://${host}${path}#${where.before}${where.key}=${written}${where.after}`
  }
}

function expectHidden(what: string, text: string, secret: { raw: string; written: string }): void {
  expect(text.includes(secret.raw), `${what} shows the secret ${secret.raw}:\n${text}`).toBe(false)
  expect(text.includes(secret.written), `${what} shows the secret ${secret.written}:\n${text}`).toBe(false)
}

/** Everything an error carries that a program or a log could show. */
function errorText(err: EvogitError): string {
  const cause = err.cause as { message?: string; stack?: string; data?: unknown } | undefined
  return [err.message, err.stack ?? '', JSON.stringify(err.toJSON()), cause?.message ?? '', cause?.stack ?? '', JSON.stringify(cause?.data ?? null)].join('\n')
}

describe('property: a secret anywhere in a URL never shows', () => {
  it('library: setRemote refuses it, push and pull never show it, .git/config never has it', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.saveGeneration(0, [{ a: 1 }])
    await store.setRemote('origin', `http://127.0.0.1:${echoPort}/run.git`)
    const config = readFileSync(join(dir, '.git/config'), 'utf8')
    let runs = 0
    await fc.assert(
      fc.asyncProperty(secretArb, placeArb, fc.constantFrom('unreachable', 'echo'), async (secret, where, target) => {
        runs++
        const base = target === 'echo' ? `http://127.0.0.1:${echoPort}` : 'http://127.0.0.1:9'
        const url = urlWith(base, '/run.git', where, secret.written)
        const refused = await errorOf(store.setRemote('mirror', url))
        expect(refused.code).toBe('E_INVALID_ARGUMENT')
        expectHidden('setRemote error', errorText(refused), secret)
        const pushed = await errorOf(store.push({ url }))
        expect(['E_REMOTE', 'E_REMOTE_REJECTED']).toContain(pushed.code)
        expectHidden('push error', errorText(pushed), secret)
        // The host is named, so the user knows which server failed.
        expect(pushed.message).toContain(`127.0.0.1:${target === 'echo' ? echoPort : 9}`)
        const pulled = await errorOf(store.pull({ url, branch: 'main' }))
        expectHidden('pull error', errorText(pulled), secret)
        expect(readFileSync(join(dir, '.git/config'), 'utf8')).toBe(config)
      }),
      { numRuns: 60, seed: 1515 },
    )
    expect(runs).toBe(60)
    expect(git(dir, 'config', '--get-regexp', '^remote\\.').trim().split('\n').sort()).toEqual([`remote.origin.fetch +refs/heads/*:refs/remotes/origin/*`, `remote.origin.url http://127.0.0.1:${echoPort}/run.git`])
  }, 120_000)

  it('CLI: remote refuses it, push shows neither in text, in --json nor in a debug stack trace', async () => {
    const dir = tempDir()
    await (await openStore({ dir })).saveGeneration(0, [{ a: 1 }])
    const config = readFileSync(join(dir, '.git/config'), 'utf8')
    await fc.assert(
      fc.asyncProperty(secretArb, placeArb, fc.boolean(), async (secret, where, json) => {
        const url = urlWith(`http://127.0.0.1:${echoPort}`, '/run.git', where, secret.written)
        const flags = json ? ['--json'] : []
        const remote = await evogit(['remote', 'origin', url, ...flags], { cwd: dir })
        expect(remote.code).toBe(2)
        expectHidden('evogit remote', remote.stdout + remote.stderr, secret)
        const push = await evogit(['push', '--url', url, ...flags], { cwd: dir, env: { EVOGIT_DEBUG: '1' } })
        expect(push.code).not.toBe(0)
        expectHidden('evogit push', push.stdout + push.stderr, secret)
        expect(push.stderr).toContain(`127.0.0.1:${echoPort}`)
        expect(readFileSync(join(dir, '.git/config'), 'utf8')).toBe(config)
      }),
      { numRuns: 6, seed: 1516 },
    )
  }, 120_000)
})
