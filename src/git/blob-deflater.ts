import { promisify } from 'node:util'
import { constants, deflateRaw as deflateRawCb, deflateRawSync } from 'node:zlib'
import { adler32, adler32Combine, joinRawStreams } from './deflate.js'
import { deflateOnWorker } from './deflate-worker.js'
import { compressionLevel, HARD_COMPRESSION_LIMIT, ObjectDatabase } from './objects.js'

const deflateRaw = promisify(deflateRawCb)

/** The size of a piece deflated while the rest of the blob is still being written. */
export const PIECE_BYTES = 128 << 10

/**
 * At most this many pieces are started before the content is finished: each is a copy for the
 * worker (or, in the pool, holds zlib's state, about 270 KB, until a thread reaches it), and the
 * callbacks that could start more do not run while the serialiser holds the main thread. A
 * 100,000-persona population would otherwise start 900 deflates at once.
 */
export const EARLY_PIECES = 8

interface Piece {
  length: number
  raw: Promise<Buffer>
  /** Summed on the main thread once the piece is deflated: by then the serialiser has let go of it. */
  adler: Promise<number>
}

/** zlib's header for the fastest levels (CM 8, 32 KB window, FLEVEL 0, no dictionary). */
const ZLIB_HEADER = Buffer.from([0x78, 0x01])

/**
 * Deflates a big blob while its bytes are still being produced, so that the compression runs on
 * the other core (the deflate worker, see deflate-worker.ts) side by side with the serialisation
 * instead of after it (issue #14, targets 1a–1c). Hand {@link BlobDeflater.progress} to the producer (`jsonBytes`),
 * then {@link BlobDeflater.deflate} the finished bytes.
 *
 * The loose object's zlib stream is pigz's construction, as `deflateObject` makes it from two
 * halves: the object header and every piece are raw deflate streams of their own, each ended by
 * a sync flush (byte-aligned, not final) except the last, so none refers back before its own
 * start and their concatenation inflates to header ‖ content. The Adler-32 of the whole is
 * combined from the pieces'. Pieces start only once the content is past
 * `HARD_COMPRESSION_LIMIT`, so the blob gets the level `compressionLevel` would give it anyway;
 * a smaller one is deflated whole, as any other object.
 */
export class BlobDeflater {
  private readonly pieces: Piece[] = []
  private started = 0
  /** Set by the first piece: the level of a blob past the limit. */
  private level = 0
  private result: Promise<Buffer> | null = null

  /** Receives the producer's progress: `bytes[0, final)` are final. */
  readonly progress = (bytes: Buffer, final: number): void => {
    if (final <= HARD_COMPRESSION_LIMIT || this.result !== null) return
    this.level = compressionLevel(final)
    while (final - this.started >= PIECE_BYTES && this.pieces.length < EARLY_PIECES) {
      this.startPiece(bytes.subarray(this.started, this.started + PIECE_BYTES), false, true)
    }
  }

  /**
   * The loose-object bytes of blob `content`, which must be the finished bytes whose progress
   * this deflater saw (each piece is deflated from the bytes it was shown). Later calls return
   * the first one's result.
   */
  deflate(content: Buffer): Promise<Buffer> {
    this.result ??= this.pieces.length === 0 ? ObjectDatabase.deflate('blob', content) : this.finish(content)
    return this.result
  }

  private async finish(content: Buffer): Promise<Buffer> {
    // The rest in at most EARLY_PIECES parts, started together; the last one ends the stream.
    const rest = content.length - this.started
    const parts = Math.max(1, Math.min(EARLY_PIECES, Math.floor(rest / PIECE_BYTES)))
    const size = Math.ceil(rest / parts)
    for (let i = 0; i < parts; i++) {
      const end = i === parts - 1 ? content.length : this.started + size
      this.startPiece(content.subarray(this.started, end), i === parts - 1)
    }
    const header = Buffer.from(`blob ${content.length}\0`)
    const head = deflateRawSync(header, { level: this.level, finishFlush: constants.Z_SYNC_FLUSH })
    const [raws, adlers] = await Promise.all([Promise.all(this.pieces.map((p) => p.raw)), Promise.all(this.pieces.map((p) => p.adler))])
    let adler = adler32(header)
    for (const [i, piece] of this.pieces.entries()) adler = adler32Combine(adler, adlers[i]!, piece.length)
    return joinRawStreams(ZLIB_HEADER, [head, ...raws], adler)
  }

  /**
   * Early pieces go to the deflate worker, which keeps the thread pool free for the save's file
   * calls; the rest, and anything the worker cannot take, to the pool. The rest is not copied
   * for a worker: for 100,000 personas that would be another copy of the whole file (6b).
   */
  private startPiece(bytes: Buffer, last: boolean, early = false): void {
    const options = { level: this.level, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH }
    const onWorker = early ? deflateOnWorker(bytes, this.level, last) : null
    const raw = onWorker === null ? deflateRaw(bytes, options) : onWorker.catch(() => deflateRaw(bytes, options))
    // Awaited by deflate; a producer that fails midway must not leave an unhandled rejection.
    raw.catch(() => undefined)
    const adler = raw.then(() => adler32(bytes))
    adler.catch(() => undefined)
    this.pieces.push({ length: bytes.length, raw, adler })
    this.started += bytes.length
  }
}
