/**
 * Credentials that ride inside a remote URL: the userinfo (`user:password@`) and query or
 * fragment parameters whose key names a secret (`?access_token=…`, `?sig=…`). Pure string
 * work, so the store can refuse such a URL before writing `.git/config` and mask it in every
 * message, result and error without a repository.
 * @module
 */

/** What stands in for a secret wherever a URL is shown. */
export const MASK = '***'

/**
 * Parameter keys that carry a secret. Matched after percent-decoding, lower-casing and
 * dropping everything but letters and digits, so `Access-Token`, `access_token` and
 * `acc%65ss_token` are one key. A false positive only masks a harmless value; a false negative
 * would leak a token, so the list leans wide.
 */
const SECRET_KEY = /token|secret|passw|passwd|pwd|auth|apikey|key|sig|signature|credential|session|jwt|bearer|cookie|ticket|otp/

const SECRET_KEY_EXACT = new Set(['pass', 'code', 'pat', 'sas', 'sv', 'se', 'sp', 'st', 'ticket'])

/** Whether a query or fragment parameter named `key` (as written in the URL) carries a secret. */
export function isCredentialKey(key: string): boolean {
  const plain = decodeLoosely(key).toLowerCase().replace(/[^a-z0-9]/g, '')
  return plain !== '' && (SECRET_KEY.test(plain) || SECRET_KEY_EXACT.has(plain))
}

/** One credential found in a URL: where it sits, and its value as written (still percent-encoded). */
export interface UrlCredential {
  /** `userinfo`, or the query/fragment parameter's key as written. */
  where: 'userinfo' | { query: string } | { fragment: string }
  value: string
}

/** The parts of a URL that masking and detection look at. */
interface UrlParts {
  /** `scheme://`, or '' when the text has no scheme. */
  prefix: string
  /** The userinfo as written, without its final `@`, or null. */
  userinfo: string | null
  /** Host, port and path: everything between the userinfo and `?`/`#`. */
  rest: string
  query: string | null
  fragment: string | null
}

function split(url: string): UrlParts {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)
  const prefix = scheme ? scheme[0] : ''
  let body = url.slice(prefix.length)
  let fragment: string | null = null
  const hash = body.indexOf('#')
  if (hash >= 0) {
    fragment = body.slice(hash + 1)
    body = body.slice(0, hash)
  }
  let query: string | null = null
  const question = body.indexOf('?')
  if (question >= 0) {
    query = body.slice(question + 1)
    body = body.slice(0, question)
  }
  let userinfo: string | null = null
  // git (and WHATWG) end the authority at the first `/`; a userinfo is there only when an `@`
  // comes before it. A password with an unencoded `/` or `@` would then spill into the path, so
  // when the path holds another `@` the userinfo runs to the last one: hiding a little too much
  // of an odd URL beats showing part of a password.
  const slash = body.indexOf('/')
  const authority = slash >= 0 ? body.slice(0, slash) : body
  if (prefix !== '' && authority.includes('@')) {
    const at = body.lastIndexOf('@')
    userinfo = body.slice(0, at)
    body = body.slice(at + 1)
  }
  return { prefix, userinfo, rest: body, query, fragment }
}

function parameters(text: string): { key: string; value: string | null; raw: string }[] {
  return text.split(/[&;]/).map((raw) => {
    const eq = raw.indexOf('=')
    return eq < 0 ? { key: raw, value: null, raw } : { key: raw.slice(0, eq), value: raw.slice(eq + 1), raw }
  })
}

function maskParameters(text: string): string {
  // Rebuilt piece by piece with the original separators, so only the secrets change.
  return text.replace(/[^&;]+/g, (raw) => {
    const eq = raw.indexOf('=')
    if (eq < 0 || !isCredentialKey(raw.slice(0, eq)) || raw.length === eq + 1) return raw
    return `${raw.slice(0, eq + 1)}${MASK}`
  })
}

/**
 * Every credential in `url`: its userinfo, and each query or fragment parameter with a
 * credential-like key and a non-empty value.
 *
 * @example
 * ```ts
 * credentialsIn('https://host/r.git?access_token=abc') // [{ where: { query: 'access_token' }, value: 'abc' }]
 * ```
 */
export function credentialsIn(url: string): UrlCredential[] {
  const parts = split(url)
  const found: UrlCredential[] = []
  if (parts.userinfo !== null) found.push({ where: 'userinfo', value: parts.userinfo })
  for (const [text, kind] of [[parts.query, 'query'], [parts.fragment, 'fragment']] as const) {
    if (text === null) continue
    for (const p of parameters(text)) {
      if (p.value !== null && p.value !== '' && isCredentialKey(p.key)) found.push({ where: kind === 'query' ? { query: p.key } : { fragment: p.key }, value: p.value })
    }
  }
  return found
}

/**
 * `url` as it may be shown: the userinfo becomes `***@` and each credential parameter's value
 * `***`; scheme, host, port, path and every other parameter stay, so the message still says
 * which server it was.
 *
 * @example
 * ```ts
 * maskUrl('https://me:pw@git.example.org/r.git?private_token=abc&ref=x') // 'https://***@git.example.org/r.git?private_token=***&ref=x'
 * ```
 */
export function maskUrl(url: string): string {
  const parts = split(url)
  return (
    parts.prefix +
    (parts.userinfo === null ? '' : `${MASK}@`) +
    parts.rest +
    (parts.query === null ? '' : `?${maskParameters(parts.query)}`) +
    (parts.fragment === null ? '' : `#${maskParameters(parts.fragment)}`)
  )
}

/**
 * The strings that must never be shown for `url`: each credential's value as written and
 * percent-decoded; for a `user:password` userinfo the password (the user name alone is no
 * secret), for a bare `token@` the token. Used to scrub text that quotes the URL in some other
 * shape (a server's error page, a library's message). Values shorter than
 * {@link SCRUB_MIN_LENGTH} are masked inside URLs only: scrubbing `pw` from free text would
 * garble the words around it without hiding anything a reader could not guess.
 */
export function secretsOf(url: string): string[] {
  const out = new Set<string>()
  for (const c of credentialsIn(url)) {
    const forms = [c.value]
    if (c.where === 'userinfo') {
      const colon = c.value.indexOf(':')
      if (colon >= 0) forms.push(c.value.slice(colon + 1))
    }
    for (const f of forms) for (const form of [f, decodeLoosely(f)]) if (form.length >= SCRUB_MIN_LENGTH) out.add(form)
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length)
}

/** The shortest secret {@link scrub} replaces in free text. */
export const SCRUB_MIN_LENGTH = 4

/**
 * `text` with every URL in it masked ({@link maskUrl}) and every given secret replaced by `***`.
 *
 * @example
 * ```ts
 * scrub('GET http://h/r.git?token=abc/info/refs failed', secretsOf('http://h/r.git?token=abc'))
 * ```
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (url) => maskUrl(url))
  for (const secret of secrets) out = out.split(secret).join(MASK)
  return out
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}
