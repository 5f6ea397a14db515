/**
 * The durable floor of a save, written by hand: the least work any store must do to make a
 * generation durable as ordinary git. Serialise with `JSON.stringify`, hash, deflate at level 1
 * (the blob's deflate in the thread pool, overlapped with the working-file write), write every
 * object and file to a temp name, fsync it and rename it, build the trees (kept in memory between
 * saves) and the commit, and move the branch ref the same way. No validation, no lock, no index:
 * that is the store's overhead over the floor. The result is a real repository (`git fsck`).
 */
import { createHash } from 'node:crypto'
import { open, rename, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { deflate as deflateCb, deflateSync } from 'node:zlib'

const deflate = promisify(deflateCb)

type Entry = { name: string; mode: string; oid: string }

function object(type: string, content: Buffer): { oid: string; raw: Buffer } {
  const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content])
  return { oid: createHash('sha1').update(raw).digest('hex'), raw }
}

function treeBytes(entries: Iterable<Entry>): Buffer {
  const sorted = [...entries].sort((a, b) => {
    const ka = a.mode === '40000' ? `${a.name}/` : a.name
    const kb = b.mode === '40000' ? `${b.name}/` : b.name
    return ka < kb ? -1 : ka > kb ? 1 : 0
  })
  return Buffer.concat(sorted.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex')]))
}

async function writeDurable(path: string, bytes: Buffer): Promise<void> {
  const tmp = `${path}.tmp`
  const handle = await open(tmp, 'w')
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, path)
}

/** A hand-written durable saver into the git repository at `dir` (created by `git init`). */
export class DurableFloor {
  private readonly root = new Map<string, Entry>()
  private readonly buckets = new Map<number, Map<string, Entry>>()
  private head: string | null = null
  private readonly madeDirs = new Set<string>()

  constructor(private readonly dir: string) {}

  private async writeObject(oid: string, deflated: Buffer): Promise<void> {
    const folder = join(this.dir, '.git', 'objects', oid.slice(0, 2))
    if (!this.madeDirs.has(folder)) {
      await mkdir(folder, { recursive: true })
      this.madeDirs.add(folder)
    }
    await writeDurable(join(folder, oid.slice(2)), deflated)
  }

  /** Saves one generation; returns the commit id. */
  async save(generation: number, population: unknown, scores: number[]): Promise<string> {
    const file = `gen_${generation}.json`
    const bytes = Buffer.from(`${JSON.stringify(population, null, 2)}\n`)
    const blob = object('blob', bytes)
    const bucket = Math.floor(generation / 100)
    const sidecarBytes = Buffer.from(`${JSON.stringify({ generation, scores }, null, 2)}\n`)
    const sidecar = object('blob', sidecarBytes)
    const blobWrite = deflate(blob.raw, { level: 1 }).then((d) => this.writeObject(blob.oid, d))
    const fileWrite = writeDurable(join(this.dir, file), bytes)
    const metaDir = join(this.dir, '.evogit', 'meta', String(bucket))
    const sidecarFile = mkdir(metaDir, { recursive: true }).then(() => writeDurable(join(metaDir, `${generation}.json`), sidecarBytes))

    let entries = this.buckets.get(bucket)
    if (!entries) this.buckets.set(bucket, (entries = new Map<string, Entry>()))
    entries.set(`${generation}.json`, { name: `${generation}.json`, mode: '100644', oid: sidecar.oid })
    const bucketTree = object('tree', treeBytes(entries.values()))
    // Bucket trees other than this one are unchanged; their ids are remembered from earlier saves.
    this.bucketIds.set(bucket, bucketTree.oid)
    const metaTree = object('tree', treeBytes([...this.bucketIds].map(([b, oid]) => ({ name: String(b), mode: '40000', oid }))))
    const evogitTree = object('tree', treeBytes([{ name: 'meta', mode: '40000', oid: metaTree.oid }]))
    this.root.set(file, { name: file, mode: '100644', oid: blob.oid })
    this.root.set('.evogit', { name: '.evogit', mode: '40000', oid: evogitTree.oid })
    const rootTree = object('tree', treeBytes(this.root.values()))
    const stamp = `bench <bench@localhost> ${Math.floor(Date.now() / 1000)} +0000`
    const commit = object('commit', Buffer.from(`tree ${rootTree.oid}\n${this.head ? `parent ${this.head}\n` : ''}author ${stamp}\ncommitter ${stamp}\n\ngeneration ${generation}\n`))
    const small = [sidecar, bucketTree, metaTree, evogitTree, rootTree, commit].map((o) => this.writeObject(o.oid, deflateSync(o.raw, { level: 1 })))
    await Promise.all([blobWrite, fileWrite, sidecarFile, ...small])
    await writeDurable(join(this.dir, '.git', 'refs', 'heads', 'main'), Buffer.from(`${commit.oid}\n`))
    this.head = commit.oid
    return commit.oid
  }

  private readonly bucketIds = new Map<number, string>()
}
