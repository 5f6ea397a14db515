import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach } from 'vitest'
import { git, tempDir } from './helpers.js'

/** A real git smart-HTTP server for tests: node's http server on 127.0.0.1 in front of native `git http-backend` (CGI). */
export interface GitServer {
  /** The URL of a repository under the server's root, e.g. `url('run.git')`. */
  url(repo: string): string
  /** How many requests the server answered, to prove traffic went through it. */
  requests(): number
  close(): Promise<void>
}

/** Serves every bare repository under `root`; pushes are allowed (REMOTE_USER is set). */
export async function startGitServer(root: string): Promise<GitServer> {
  let count = 0
  const server: Server = createServer((req, res) => {
    count++
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'tester',
      REMOTE_ADDR: '127.0.0.1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
    }
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = value
    }
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    req.pipe(child.stdin)
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.on('close', () => {
      const out = Buffer.concat(chunks)
      const split = out.indexOf('\r\n\r\n')
      const head = out.subarray(0, split).toString('latin1')
      let status = 200
      const headers: Record<string, string> = {}
      for (const line of head.split('\r\n')) {
        const colon = line.indexOf(':')
        if (colon < 0) continue
        const key = line.slice(0, colon).trim()
        const value = line.slice(colon + 1).trim()
        if (key.toLowerCase() === 'status') status = Number(value.split(' ')[0])
        else headers[key] = value
      }
      res.writeHead(status, headers)
      res.end(out.subarray(split + 4))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (repo) => `http://127.0.0.1:${port}/${repo}`,
    requests: () => count,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  }
}

/**
 * For a test file: before each test, a fresh server whose root holds one empty bare repository
 * `run.git` on branch main; after it, the server is stopped.
 */
export function useGitServer(): { server: () => GitServer; root: () => string } {
  let server: GitServer | null = null
  let root = ''
  beforeEach(async () => {
    root = tempDir('evogit-server-')
    git(root, 'init', '-q', '--bare', '--initial-branch=main', 'run.git')
    server = await startGitServer(root)
  })
  afterEach(async () => {
    await server?.close()
    server = null
  })
  return {
    server: () => {
      if (!server) throw new Error('the git server runs only inside a test')
      return server
    },
    root: () => root,
  }
}
