import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The path of the CLI's entry script, for commands that start another evogit process
 * (`compact --auto`). This module sits beside `main` both in tsc's output and inside the bundle
 * (`dist/src/cli/main.js`), so `./main.js` is right in both; a path relative to a command's own
 * module (`../main.js` from `commands/`) points outside the bundle, and a detached child that
 * cannot start reports nothing. Run from the TypeScript sources there is no `main.js`, so the
 * running script is used.
 */
export function cliEntry(): string {
  const beside = fileURLToPath(new URL('./main.js', import.meta.url))
  return existsSync(beside) ? beside : (process.argv[1] ?? beside)
}
