import { Worker } from 'node:worker_threads'

/**
 * A thread of its own for deflating the pieces of a big blob while the main thread is still
 * serialising it (see blob-deflater.ts). libuv's thread pool could do that too, and did, but it
 * is also where every fs call of the save runs: pieces queued there made the reads and writes
 * that follow the lock wait behind them. A worker leaves the pool to the file system.
 *
 * One per process, started on the first big save and used from the next one on (until it is
 * online, the pool does the work, so no save waits for the thread to start). It is unref'd
 * whenever it has nothing to do, so it never keeps a process alive. If it fails or exits, the
 * pieces it had are deflated in the pool instead and it is started afresh on a later save.
 * The code is a string, so that it runs the same from the bundled CLI and from the library.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { deflateRawSync, constants } = require('node:zlib')
parentPort.on('message', ({ id, bytes, level, last }) => {
  const raw = deflateRawSync(new Uint8Array(bytes), { level, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH })
  const out = new Uint8Array(raw)
  parentPort.postMessage({ id, raw: out }, [out.buffer])
})
`

interface Pending {
  resolve: (raw: Buffer) => void
  reject: (err: Error) => void
}

let worker: Worker | null = null
let online = false
let nextId = 0
let deflated = 0
/** Workers that failed to start or died; past this many, the pool does all the work. */
let failures = 0
const MAX_FAILURES = 3
const pending = new Map<number, Pending>()

function stop(err: Error): void {
  failures++
  const failed = worker
  worker = null
  online = false
  for (const p of pending.values()) p.reject(err)
  pending.clear()
  void failed?.terminate()
}

function start(): void {
  const started = new Worker(WORKER_SOURCE, { eval: true })
  worker = started
  started.on('online', () => {
    if (worker === started) online = true
  })
  started.on('message', (message: { id: number; raw: Uint8Array }) => {
    // Replies from a worker already given up on are dropped: its pieces went to the pool.
    if (worker !== started) return
    const waiting = pending.get(message.id)
    pending.delete(message.id)
    if (pending.size === 0) started.unref()
    deflated++
    waiting?.resolve(Buffer.from(message.raw.buffer, message.raw.byteOffset, message.raw.byteLength))
  })
  started.on('error', (err) => {
    if (worker === started) stop(err)
  })
  started.on('exit', (code) => {
    if (worker === started) stop(new Error(`the deflate worker exited (code ${code})`))
  })
  // After the listeners: adding a 'message' listener refs the worker's port again.
  started.unref()
}

/**
 * The raw deflate of `bytes` (ended by a sync flush, or final with `last`) from the worker, or
 * `null` when it is not online yet (it is started then): deflate in the pool instead. `bytes`
 * is copied, so the caller may go on writing the buffer around it.
 */
export function deflateOnWorker(bytes: Uint8Array, level: number, last: boolean): Promise<Buffer> | null {
  if (worker === null && failures < MAX_FAILURES) {
    try {
      start()
    } catch {
      // No thread to be had (ERR_WORKER_INIT_FAILED, a permission model): the pool does the work.
      failures++
      worker = null
    }
  }
  if (!online || worker === null) return null
  const copy = Uint8Array.prototype.slice.call(bytes).buffer
  const id = nextId++
  const running = worker
  if (pending.size === 0) running.ref()
  return new Promise<Buffer>((resolve, reject) => {
    pending.set(id, { resolve, reject })
    running.postMessage({ id, bytes: copy, level, last }, [copy])
  })
}

/** Resolves once the worker is online (for tests: the first big save in a process uses the pool). */
export async function deflateWorkerOnline(): Promise<void> {
  if (worker === null) start()
  while (!online) await new Promise((resolve) => setTimeout(resolve, 5))
}

/** How many pieces the worker has deflated in this process (for tests). */
export function deflateWorkerPieces(): number {
  return deflated
}

/** Stops the worker as a failure would (for tests): what it holds is deflated in the pool. */
export function failDeflateWorker(): void {
  if (worker !== null) stop(new Error('the deflate worker was stopped'))
}
