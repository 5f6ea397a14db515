// Bundles the `evogit` executable (issue #14, target 6). Loaded as tsc emits it, `evogit list`
// resolves, reads and links about 240 ES modules (124 of ours, 95 of zod's) before it does any
// work: that, not the work, was most of its start-up. esbuild turns our code, zod, lossless-json,
// commander and proper-lockfile into one file; its lazy module wrappers still run only the code
// a command imports (one file measured faster than splitting at the dynamic imports). It
// overwrites the tsc-built dist/src/cli/main.js, so the `bin`, `npx evogit`, the Python client
// and the tests keep the path they use; the library (dist/src/index.js) stays unbundled, for
// users who import it.
//
// The other dependencies stay external, loaded from node_modules on first use: isomorphic-git
// and vega/vega-lite are large and imported dynamically, cli-progress and date-fns are required
// lazily at run time. zod's classes check instances by their traits (Symbol.hasInstance), so a
// `--schema` module's own zod passes the bundled copy's `instanceof z.ZodType`.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const BUNDLED = new Set(['zod', 'lossless-json', 'commander', 'proper-lockfile'])
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`])

const outdir = join(root, 'dist', 'src', 'cli')
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  logLevel: 'warning',
  allowOverwrite: true,
  // The CommonJS dependencies bundled (commander, proper-lockfile) require node's built-ins.
  banner: { js: "import { createRequire as __evogitCreateRequire } from 'node:module'\nconst require = __evogitCreateRequire(import.meta.url)" },
})
