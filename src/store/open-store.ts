import { resolve } from 'node:path'
import * as z from 'zod'
import { InvalidArgumentError, NotAStoreError } from '../errors/index.js'
import { Repository } from '../git/repository.js'
import { ioError, isNotFound, nodeStoreFs, type StoreFs } from '../io/fs.js'
import { WriteLock, type WriteLockOptions } from '../io/lock.js'
import { keyOrderFor } from '../model/canonical-json.js'
import { EVOGIT_DIR } from '../model/generation-id.js'
import { anyIndividualSchema } from '../model/population.js'
import { checkedAutoCompact, type AutoCompactOptions } from './auto-compact.js'
import type { Author, StoreContext } from './context.js'
import { importGenerations, type ImportProgress } from './import-generations.js'
import { repairStore } from './repair.js'
import { createStore, type Store } from './store.js'

/** The store format this version writes, recorded as `evogit.formatVersion` in `.git/config`. */
export const STORE_FORMAT_VERSION = 1

/** Options of {@link openStore}. */
export interface OpenStoreOptions<S extends z.ZodType = typeof anyIndividualSchema> {
  /** The store directory. Created, with a git repository in it, when missing. */
  dir: string
  /** A zod schema for one individual. Without one, any JSON objects are accepted. */
  schema?: S
  /**
   * Turn a non-empty directory that is not a store into one: initialise git in place and import
   * any `gen_<n>.json` files already there (one commit per generation), or mark an existing git
   * repository as a store. Nothing in the directory is deleted.
   */
  adopt?: boolean
  /** Commit author. Defaults to the repository's `user.name`/`user.email`, else `evogit <evogit@localhost>`. */
  author?: Author
  /** Branch of a new store (default `main`). */
  defaultBranch?: string
  /** The clock for timestamps; inject a fixed one for reproducible commit ids. */
  clock?: () => Date
  /** The file system; inject one to simulate failures. Defaults to `node:fs/promises`. */
  fs?: StoreFs
  /**
   * fsync every file before renaming it into place (default `true`). Turning it off keeps
   * process crashes safe (renames stay atomic) but not power loss.
   */
  durable?: boolean
  /** The cross-process write lock's timeouts. */
  lock?: WriteLockOptions
  /**
   * Compact in the background after every `every` saves (incremental, see `compact`), outside the
   * save's critical path: a save never waits for it longer than a lock hand-over.
   */
  autoCompact?: AutoCompactOptions
  /** With `adopt`: called after each generation imported in place (for a progress bar). */
  onAdoptProgress?: (progress: ImportProgress) => void
  /**
   * The field that identifies an individual across generations, for `diff`. By default `id` when
   * the schema (or every individual) has one, else `name` (personas), else the position.
   */
  key?: string
}

/**
 * Opens the store in `dir`, creating it (directory and git repository, branch `main`) when it
 * does not exist. A directory that is neither a store nor empty is refused unless `adopt` is set.
 *
 * @returns A {@link Store} whose types follow the schema.
 * @throws NotAStoreError when `dir` is a file, an unrelated git repository, or a non-empty directory.
 *
 * @example
 * ```ts
 * import { openStore, personaSchema } from 'evogit'
 * const store = await openStore({ dir: 'persona_data', schema: personaSchema })
 * await store.saveGeneration(0, population, { scores })
 * ```
 */
export async function openStore<S extends z.ZodType = typeof anyIndividualSchema>(
  options: OpenStoreOptions<S>,
): Promise<Store<z.output<S>, z.input<S>>> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('`openStore` takes an options object such as { dir }', { parameter: 'options', expected: 'an object', received: typeof options })
  }
  if (typeof options.dir !== 'string' || options.dir.length === 0) {
    throw new InvalidArgumentError(`\`dir\` must be a non-empty string, received ${typeof options.dir}`, { parameter: 'dir', expected: 'a directory path', received: typeof options.dir })
  }
  const schema = (options.schema ?? anyIndividualSchema) as z.ZodType<z.output<S>, z.input<S>>
  if (!(schema instanceof z.ZodType)) {
    throw new InvalidArgumentError('`schema` must be a zod schema', { parameter: 'schema', expected: 'a zod schema', received: typeof schema })
  }
  const autoCompact = checkedAutoCompact(options.autoCompact)
  const fs = options.fs ?? nodeStoreFs
  const dir = resolve(options.dir)
  const defaultBranch = options.defaultBranch ?? 'main'
  const { repo, importInPlace } = await openOrCreateRepository(fs, dir, defaultBranch, options.adopt ?? false, options.durable ?? true)

  const ctx: StoreContext<z.output<S>> = {
    dir,
    repo,
    schema,
    populationSchema: z.array(schema),
    keyOrder: keyOrderFor(schema),
    author: checkedAuthor(options.author ?? (await defaultAuthor(repo))),
    clock: options.clock ?? (() => new Date()),
    // A lock taken over from a crashed writer first repairs what that writer left behind.
    lock: new WriteLock(repo.writeLockDir, options.lock, async (takeover) => void (await repairStore({ repo, takeover }))),
    diffKey: options.key,
    ...(autoCompact ? { autoCompact } : {}),
  }
  await ctx.lock.recoverIfAbandoned()
  // A checkout or rollback that crashed half-way left a journal; finish it under the write lock.
  // While a live writer holds the lock the journal is its own, and readers must not wait for it.
  if ((await repo.hasPendingSwitch()) && !(await ctx.lock.isHeld())) await ctx.lock.run(() => repo.recoverPending())
  if (importInPlace) await importGenerations({ ctx, from: dir, fs, inPlace: true, ...(options.onAdoptProgress ? { onProgress: options.onAdoptProgress } : {}) })
  return createStore<z.output<S>, z.input<S>>(ctx, fs)
}

async function openOrCreateRepository(
  fs: StoreFs,
  dir: string,
  defaultBranch: string,
  adopt: boolean,
  durable: boolean,
): Promise<{ repo: Repository; importInPlace: boolean }> {
  let names: string[] | null
  try {
    const st = await fs.stat(dir)
    if (!st.isDirectory()) throw new NotAStoreError(`${dir} is a file, not a store directory`, { dir, reason: 'not a directory' })
    names = await fs.readdir(dir)
  } catch (err) {
    if (err instanceof NotAStoreError) throw err
    if (!isNotFound(err)) throw ioError(err, dir, 'open')
    names = null
  }
  if (names === null) {
    try {
      await fs.mkdir(dir, { recursive: true })
    } catch (err) {
      throw ioError(err, dir, 'create')
    }
    return { repo: await initialise(fs, dir, defaultBranch, durable), importInPlace: false }
  }
  if (names.includes('.git')) {
    if (!(await Repository.exists(fs, dir))) {
      throw new NotAStoreError(`${dir}/.git is not a git directory (worktrees and submodules are not supported as stores)`, { dir, reason: 'unsupported .git' })
    }
    const repo = Repository.open({ fs, dir, sync: durable })
    const version = await repo.getConfig('evogit.formatVersion')
    if (version !== undefined) {
      if (Number(version) > STORE_FORMAT_VERSION) {
        throw new NotAStoreError(`${dir} was written by a newer evogit (store format ${version}); upgrade evogit to open it`, { dir, reason: `format ${version}` })
      }
      return { repo, importInPlace: false }
    }
    // A clone of a store (git clone does not copy .git/config) or a freshly `git init`ed directory.
    if (adopt || (await looksLikeStore(repo)) || (await isEmptyRepository(repo, names))) {
      await repo.setConfig('evogit.formatVersion', String(STORE_FORMAT_VERSION))
      return { repo, importInPlace: false }
    }
    throw new NotAStoreError(`${dir} is a git repository that is not an evogit store; open it with adopt (evogit init) to make it one`, { dir, reason: 'unrelated git repository' })
  }
  if (names.length === 0) return { repo: await initialise(fs, dir, defaultBranch, durable), importInPlace: false }
  if (!adopt) {
    const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '')
    throw new NotAStoreError(`${dir} is not empty and not a store (it contains ${shown}); use adopt (evogit init) to turn it into one`, { dir, reason: 'not empty' })
  }
  return { repo: await initialise(fs, dir, defaultBranch, durable), importInPlace: true }
}

async function initialise(fs: StoreFs, dir: string, defaultBranch: string, durable: boolean): Promise<Repository> {
  const repo = await Repository.init({ fs, dir, defaultBranch, sync: durable })
  await repo.setConfig('evogit.formatVersion', String(STORE_FORMAT_VERSION))
  // The branch a store started on never counts as forked from another one.
  await repo.setConfig('evogit.rootBranch', defaultBranch)
  return repo
}

async function looksLikeStore(repo: Repository): Promise<boolean> {
  const head = await repo.refs.head()
  if (!head.oid) return false
  const commit = await repo.readCommit(head.oid)
  const entry = await repo.entryAt(commit.tree, `${EVOGIT_DIR}/meta`)
  return entry?.mode === '40000'
}

async function isEmptyRepository(repo: Repository, names: string[]): Promise<boolean> {
  return names.length === 1 && (await repo.refs.head()).oid === null
}

async function defaultAuthor(repo: Repository): Promise<Author> {
  // No host or user name by default: commits get pushed and shared, and need not leak either.
  return { name: (await repo.getConfig('user.name')) ?? 'evogit', email: (await repo.getConfig('user.email')) ?? 'evogit@localhost' }
}

/** git's ident rules: a name and email that cannot break the commit header (fsck --strict checks them). */
function checkedAuthor(author: unknown): Author {
  const a = author as Partial<Author> | null
  const bad = (field: 'name' | 'email', value: unknown) =>
    typeof value !== 'string' || value.length === 0 || /[<>\n\r\0]/.test(value) || value.trim() !== value
  if (typeof a !== 'object' || a === null || bad('name', a.name) || bad('email', a.email)) {
    throw new InvalidArgumentError('`author` must be { name, email }: non-empty strings without <, >, line breaks or surrounding spaces', {
      parameter: 'author',
      expected: '{ name: string, email: string }',
      received: JSON.stringify(author) ?? typeof author,
    })
  }
  return { name: a.name as string, email: a.email as string }
}
