import { InvalidRefNameError } from '../errors/index.js'

/**
 * Checks a branch or tag name against git's check-ref-format rules, plus the ones `git branch`
 * adds (no leading `-`, not `HEAD`). Because refs are files under `.git/refs`, this is also what
 * keeps a name like `../../x` from ever becoming a path outside the repository.
 */
export function assertRefName(name: unknown, kind: 'branch' | 'tag' = 'branch'): string {
  const fail = (reason: string): never => {
    throw new InvalidRefNameError(`invalid ${kind} name ${JSON.stringify(name)}: ${reason}`, { name: String(name), reason })
  }
  if (typeof name !== 'string') return fail(`expected a string, received ${typeof name}`)
  if (name.length === 0) return fail('it is empty')
  if (name.length > 200) return fail('it is longer than 200 characters')
  if (name.startsWith('-')) return fail('it starts with "-"')
  if (name === 'HEAD' || name === '@') return fail(`"${name}" is reserved`)
  if (name.startsWith('/') || name.endsWith('/')) return fail('it starts or ends with "/"')
  if (name.includes('//')) return fail('it contains "//"')
  if (name.includes('..')) return fail('it contains ".."')
  if (name.includes('@{')) return fail('it contains "@{"')
  if (name.endsWith('.')) return fail('it ends with "."')
  // eslint-disable-next-line no-control-regex
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(name)
  if (bad) return fail(`it contains ${JSON.stringify(bad[0])}`)
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return fail(`the component "${part}" starts with "."`)
    if (part.endsWith('.lock')) return fail(`the component "${part}" ends with ".lock"`)
  }
  return name
}

/** True when `name` passes {@link assertRefName}. */
export function isValidRefName(name: string): boolean {
  try {
    assertRefName(name)
    return true
  } catch {
    return false
  }
}
