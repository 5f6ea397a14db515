import { isNotFound, ioError, type StoreFs } from '../io/fs.js'

/** The fan-out directory sampled, as `git gc --auto` samples it (any one would do; git uses 17). */
const SAMPLE = '17'

/**
 * About how many loose objects the repository holds: the count in one of the 256 fan-out
 * directories, times 256, as `git gc --auto` estimates it. One `readdir` of a small directory,
 * so it can run after every save; object ids are uniformly spread, so the estimate is good to
 * a few hundred objects, which is all a "time to compact?" decision needs.
 */
export async function estimateLooseObjects(fs: StoreFs, gitdir: string): Promise<number> {
  const dir = `${gitdir}/objects/${SAMPLE}`
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch (err) {
    if (isNotFound(err)) return 0
    throw ioError(err, dir, 'list')
  }
  let count = 0
  for (const name of names) if (name.length === 38 && /^[0-9a-f]{38}$/.test(name)) count++
  return count * 256
}
