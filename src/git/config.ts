/**
 * A reader for git's config file format (`.git/config`), pure: text in, values out. Reading the
 * config with isomorphic-git would load all of it (~60 ms) on every open for three values.
 *
 * What git's own parser accepts is accepted here: `[section]`, `[section "subsection"]` (case
 * kept) and the old `[section.subsection]` (lower-cased); section and key names are
 * case-insensitive; values may be quoted, with `\"`, `\\`, `\n`, `\t`, `\b` escapes; `#` and `;`
 * start a comment outside quotes; a trailing backslash continues the value on the next line; a
 * key without `=` is `true`. When a key repeats, the last value wins, as `git config --get` says.
 */

/** The values of a config file, by canonical name (`section.subsection.key`, section and key lower-cased). */
export type GitConfigValues = Map<string, string>

/** The canonical name git would look `path` up by (`Remote.Origin.URL` → `remote.Origin.url`). */
export function canonicalConfigName(path: string): string {
  const first = path.indexOf('.')
  const last = path.lastIndexOf('.')
  if (first < 0) return path.toLowerCase()
  const section = path.slice(0, first).toLowerCase()
  const key = path.slice(last + 1).toLowerCase()
  return first === last ? `${section}.${key}` : `${section}.${path.slice(first + 1, last)}.${key}`
}

/** Parses a config file's text. Lines that are not config are skipped, as a tolerant reader must. */
export function parseGitConfig(text: string): GitConfigValues {
  const values: GitConfigValues = new Map()
  let section: string | null = null
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    if (line.startsWith('[')) {
      const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/.exec(line)
      if (!header) {
        section = null
        continue
      }
      const [, name, sub] = header
      const dot = name!.indexOf('.')
      section =
        sub !== undefined
          ? `${name!.toLowerCase()}.${sub.replace(/\\(.)/g, '$1')}`
          : dot >= 0
            ? `${name!.slice(0, dot).toLowerCase()}.${name!.slice(dot + 1).toLowerCase()}`
            : name!.toLowerCase()
      // `[core] bare = true` on one line is legal.
      const rest = header[3]!.trim()
      if (rest === '' || rest.startsWith('#') || rest.startsWith(';')) continue
      lines[i] = rest
      i--
      continue
    }
    if (section === null) continue
    const key = /^([A-Za-z][A-Za-z0-9-]*)\s*(=?)(.*)$/.exec(line)
    if (!key) continue
    const name = `${section}.${key[1]!.toLowerCase()}`
    if (key[2] === '') {
      values.set(name, 'true')
      continue
    }
    let raw = key[3]!
    // A value ending in an unescaped backslash goes on over the next line.
    while (/(^|[^\\])(\\\\)*\\$/.test(raw) && i + 1 < lines.length) raw = raw.slice(0, -1) + lines[++i]!
    values.set(name, unquote(raw))
  }
  return values
}

function unquote(raw: string): string {
  let out = ''
  let pendingSpace = ''
  let quoted = false
  let started = false
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (!quoted && (c === '#' || c === ';')) break
    if (c === '"') {
      quoted = !quoted
      out += pendingSpace
      pendingSpace = ''
      started = true
      continue
    }
    if (c === '\\' && i + 1 < raw.length) {
      const next = raw[++i]!
      out += pendingSpace + ({ n: '\n', t: '\t', b: '\b' }[next] ?? next)
      pendingSpace = ''
      started = true
      continue
    }
    // Whitespace outside quotes is trimmed at both ends and kept inside the value.
    if (!quoted && (c === ' ' || c === '\t')) {
      if (started) pendingSpace += c
      continue
    }
    out += pendingSpace + c
    pendingSpace = ''
    started = true
  }
  return out
}

/** A git boolean (`true`/`yes`/`on`/`1`, a key without `=`; `false`/`no`/`off`/`0`, case-insensitive), or `undefined` when unset or not one. */
export function parseGitBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  const v = value.trim().toLowerCase()
  if (['true', 'yes', 'on', '1', ''].includes(v)) return true
  if (['false', 'no', 'off', '0'].includes(v)) return false
  return undefined
}
