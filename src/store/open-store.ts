import { join, parse, resolve } from 'node:path'
import * as z from 'zod'
import { InvalidArgumentError, NotAStoreError } from '../errors/index.js'
import { inspectGitDir, removeUnfinishedInit, sweepInitTemps } from '../git/init.js'
import { Repository } from '../git/repository.js'
import { ensureStoreExcludes } from '../git/exclude.js'
import { mkdirp } from '../io/atomic.js'
import { ioError, isNotFound, nodeStoreFs, type StoreFs } from '../io/fs.js'
import { WriteLock, type WriteLockOptions } from '../io/lock.js'
import { keyOrderFor } from '../model/canonical-json.js'
import { EVOGIT_DIR } from '../model/generation-id.js'
import { assertObjectiveName, normalizeObjectives, OBJECTIVES_PATH, type ObjectivesInput } from '../model/objectives.js'
import { anyIndividualSchema } from '../model/population.js'
import { checkedAutoCompact, type AutoCompactOptions } from './auto-compact.js'
import type { Author, StoreContext } from './context.js'
import { checkImportable, importGenerations, type ImportProgress } from './import-generations.js'
import { repairStore } from './repair.js'
import { createStore } from './create-store.js'
import type { Store } from './store.js'

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
  /**
   * Fault injection over the real disk: a `node:fs/promises` look-alike that the store's own file
   * calls go through (objects, refs, the index, working files, sidecars), so a test can make any
   * of them fail (a full disk, a read-only store, a failing rename) and check what survives.
   * Defaults to `node:fs/promises`. It is not a virtual file system: the cross-process write lock
   * (`proper-lockfile`) uses `node:fs` directly, `compact`, `push` and `pull` run native git on the
   * directory, and every call is expected to act on the real files under `dir`.
   */
  faultFs?: StoreFs
  /** @deprecated the old name of {@link OpenStoreOptions.faultFs}, which says what it is for. */
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
   * save's critical path: a save never waits for it longer than a lock hand-over. On by default,
   * every 250 saves (as git's own `gc --auto`); `false` turns it off.
   */
  autoCompact?: AutoCompactOptions | false
  /** With `adopt`: called after each generation imported in place (for a progress bar). */
  onAdoptProgress?: (progress: ImportProgress) => void
  /**
   * The field that identifies an individual across generations, for `diff`. By default `id` when
   * the schema (or every individual) has one, else `name` (personas), else the position.
   */
  key?: string
  /**
   * The direction of each objective: `{ accuracy: 'max', cost: 'min' }`, or with a hypervolume
   * reference, `{ cost: { direction: 'min', reference: 100 } }`. Committed with the next save in
   * `.evogit/objectives.json`, so every clone agrees; undeclared objectives are `max`. Declaring
   * another direction than the store has is refused: change it with `setObjectives`.
   */
  objectives?: ObjectivesInput
  /** The objective that headlines commit subjects, `Best-Score`, `log` and `branches`. */
  primary?: string
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
  // Checked before anything touches the disk, so a typo in a direction creates no repository.
  normalizeObjectives(options.objectives)
  if (options.primary !== undefined) assertObjectiveName(options.primary, 'primary')
  const autoCompact = checkedAutoCompact(options.autoCompact)
  const fs = options.faultFs ?? options.fs ?? nodeStoreFs
  const dir = resolve(options.dir)
  const defaultBranch = options.defaultBranch ?? 'main'
  const populationSchema = z.array(schema)
  // A refused adopt must leave the directory as it was: every file is validated before `.git` exists.
  const precheck = () => checkImportable({ ctx: { populationSchema }, fs, dir })
  const { repo, importInPlace } = await openOrCreateRepository(fs, dir, defaultBranch, options.adopt ?? false, options.durable ?? true, precheck)

  const ctx: StoreContext<z.output<S>> = {
    dir,
    repo,
    schema,
    populationSchema,
    keyOrder: keyOrderFor(schema),
    author: checkedAuthor(options.author ?? (await defaultAuthor(repo))),
    clock: options.clock ?? (() => new Date()),
    // A lock taken over from a crashed writer first repairs what that writer left behind.
    lock: new WriteLock(repo.writeLockDir, options.lock, async (takeover) => void (await repairStore({ repo, takeover }))),
    diffKey: options.key,
    ...(options.objectives !== undefined || options.primary !== undefined ? { declaredObjectives: { objectives: options.objectives, primary: options.primary } } : {}),
    ...(autoCompact ? { autoCompact } : {}),
  }
  // Best effort: a read-only store still opens for reading; the excludes only tidy `git status`.
  await ensureStoreExcludes(repo).catch(() => undefined)
  await repo.storeFiles.sweepAbandonedTemps().catch(() => undefined)
  await ctx.lock.recoverIfAbandoned()
  // A checkout or rollback that crashed half-way left a journal; finish it under the write lock.
  // While a live writer holds the lock the journal is its own, and readers must not wait for it.
  // One that cannot be finished (a tree it cannot write, a blob gone) must not make the store
  // unopenable: it stays, `verify` reports it (E_PENDING_SWITCH), and `verify --repair` or
  // `checkout --force` resolve it.
  if ((await repo.hasPendingSwitch()) && !(await ctx.lock.isHeld())) await ctx.lock.run(() => repo.recoverPending()).catch(() => undefined)
  if (importInPlace) await importGenerations({ ctx, from: dir, fs, inPlace: true, ...(options.onAdoptProgress ? { onProgress: options.onAdoptProgress } : {}) })
  return createStore<z.output<S>, z.input<S>>(ctx, fs)
}

async function openOrCreateRepository(
  fs: StoreFs,
  dir: string,
  defaultBranch: string,
  adopt: boolean,
  durable: boolean,
  precheck: () => Promise<void>,
): Promise<{ repo: Repository; importInPlace: boolean }> {
  // Twice at most: a first open that loses the race to publish `.git` opens the winner's.
  for (let attempt = 0; ; attempt++) {
    let names = await entriesOf(fs, dir)
    if (names === null) {
      await mkdirp(fs, dir)
      names = []
    }
    // A first open killed before publishing `.git` leaves only its temp directory behind.
    names = await sweepInitTemps(fs, dir, names)
    if (names.includes('.git')) {
      const state = await inspectGitDir(fs, dir)
      if (state === 'unfinished-init') {
        // A `.git` with no HEAD, no object and no ref (an older evogit killed mid-init) holds
        // nothing; the init is simply done again.
        await removeUnfinishedInit(fs, dir)
        names = names.filter((n) => n !== '.git')
      } else if (state === 'link') {
        throw new NotAStoreError(`${dir}/.git is a file (a worktree or submodule link); those are not supported as stores`, { dir, reason: 'unsupported .git' })
      } else if (state === 'damaged') {
        throw new NotAStoreError(`${dir}/.git has no HEAD but holds objects or refs: a damaged git repository, which evogit leaves as it is; restore .git/HEAD (git symbolic-ref HEAD refs/heads/main) to open it`, { dir, reason: 'damaged .git' })
      } else if (state === 'repository') {
        // Adopting again finishes an adopt that failed or was interrupted: the generations not yet committed.
        return { repo: await openExisting(fs, dir, names, adopt, durable), importInPlace: adopt }
      }
    }
    refuseRoot(dir)
    if (names.length > 0 && !adopt) {
      const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '')
      throw new NotAStoreError(`${dir} is not empty and not a store (it contains ${shown}); use adopt (evogit init --adopt) to turn it into one`, { dir, reason: 'not empty' })
    }
    // Every file is validated before `.git` exists, so a refused adopt leaves the directory as it was.
    if (names.length > 0) await precheck()
    const created = await Repository.init({ fs, dir, defaultBranch, sync: durable, config: newStoreConfig(defaultBranch) })
    if (created) return { repo: created, importInPlace: names.length > 0 }
    if (attempt > 0) throw new NotAStoreError(`${dir}/.git appeared and vanished while opening; is another tool re-creating it?`, { dir, reason: 'unsupported .git' })
  }
}

/** The names in `dir`, or `null` when it does not exist. */
async function entriesOf(fs: StoreFs, dir: string): Promise<string[] | null> {
  try {
    const st = await fs.stat(dir)
    if (!st.isDirectory()) throw new NotAStoreError(`${dir} is a file, not a store directory`, { dir, reason: 'not a directory' })
    return await fs.readdir(dir)
  } catch (err) {
    if (err instanceof NotAStoreError) throw err
    if (!isNotFound(err)) throw ioError(err, dir, 'open')
  }
  // A symbolic link whose target is missing: creating the store "there" would fail with EEXIST
  // or land wherever the link points; say what it is instead.
  const link = await fs.readlink(dir).catch(() => null)
  if (link !== null) throw new NotAStoreError(`${dir} is a symbolic link to ${link}, which does not exist; create that directory or point --dir elsewhere`, { dir, reason: 'dangling symlink' })
  return null
}

/** The file-system root holds the whole machine: never made a store, even with adopt. */
function refuseRoot(dir: string): void {
  if (parse(dir).root === dir) {
    throw new NotAStoreError(`${dir} is the root of the file system; a store needs a directory of its own (for example ${join(dir, 'runs', 'exp1')})`, { dir, reason: 'root directory' })
  }
}

async function openExisting(fs: StoreFs, dir: string, names: string[], adopt: boolean, durable: boolean): Promise<Repository> {
  const repo = Repository.open({ fs, dir, sync: durable })
  const version = await repo.getConfig('evogit.formatVersion')
  if (version !== undefined) {
    if (Number(version) > STORE_FORMAT_VERSION) {
      throw new NotAStoreError(`${dir} was written by a newer evogit (store format ${version}); upgrade evogit to open it`, { dir, reason: `format ${version}` })
    }
    return repo
  }
  // A clone of a store (git clone does not copy .git/config) or a freshly `git init`ed directory.
  if (adopt || (await looksLikeStore(repo)) || (await isEmptyRepository(repo, names))) {
    await repo.setConfig('evogit.formatVersion', String(STORE_FORMAT_VERSION))
    return repo
  }
  throw new NotAStoreError(`${dir} is a git repository that is not an evogit store; open it with adopt (evogit init --adopt) to make it one`, { dir, reason: 'unrelated git repository' })
}

/** What a new store's config holds besides git's core section, written before `.git` is published. */
function newStoreConfig(defaultBranch: string): Record<string, string> {
  return {
    'evogit.formatVersion': String(STORE_FORMAT_VERSION),
    // The branch a store started on never counts as forked from another one.
    'evogit.rootBranch': defaultBranch,
  }
}

async function looksLikeStore(repo: Repository): Promise<boolean> {
  const head = await repo.refs.head()
  if (!head.oid) return false
  const commit = await repo.readCommit(head.oid)
  const entry = await repo.entryAt(commit.tree, `${EVOGIT_DIR}/meta`)
  // A store whose only commit so far declares its objectives (evogit init --objective) is one too.
  return entry?.mode === '40000' || (await repo.entryAt(commit.tree, OBJECTIVES_PATH)) !== null
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
