// Bundles the `evogit` executable (issue #14, target 6). Loaded as tsc emits it, `evogit list`
// resolves, reads and links about 240 ES modules (124 of ours, 95 of zod's) before it does any
// work: that, not the work, was most of its start-up. esbuild turns our code, zod and
// lossless-json into a few chunks, split at the CLI's dynamic imports so each command still loads
// only its own code. It overwrites the tsc-built dist/src/cli/main.js, so the `bin`, `npx
// evogit`, the Python client and the tests keep the path they use; the library (dist/src/index.js)
// stays unbundled, for users who import it.
//
// The other dependencies stay external, loaded from node_modules as before: they are CommonJS
// (isomorphic-git, proper-lockfile, cli-progress, commander) or large and used by one command
// (vega, vega-lite), and date-fns is required lazily at run time. zod's classes check instances
// by their traits (Symbol.hasInstance), so a `--schema` module's own zod passes the bundled
// copy's `instanceof z.ZodType`.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const BUNDLED = new Set(['zod', 'lossless-json', 'commander', 'proper-lockfile'])
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`])

const outdir = join(root, 'dist', 'src', 'cli')
rmSync(join(outdir, 'chunks'), { recursive: true, force: true })
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  allowOverwrite: true,
  // The CommonJS dependencies bundled (commander, proper-lockfile) require node's built-ins.
  banner: { js: "import { createRequire as __evogitCreateRequire } from 'node:module'\nconst require = __evogitCreateRequire(import.meta.url)" },
})
// Which sources each output file holds: test/perf/startup.test.ts checks a command's loads against it.
writeFileSync(join(outdir, 'main.inputs.json'), JSON.stringify(Object.keys(result.metafile.inputs), null, 1) + '\n')
