import type { StoreFs } from '../io/fs.js'

/** The four kinds of git object. */
export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag'

/** An object's type and raw content (without git's `type size\0` header). */
export interface GitObject {
  type: ObjectType
  content: Buffer
}

/** isomorphic-git's fs adapter shape: it wants an object with a `promises` member. */
export interface IsoFs {
  promises: StoreFs
}
