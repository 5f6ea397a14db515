#!/usr/bin/env node
/**
 * The `evogit` executable: a thin shell over the library. It parses arguments, calls the
 * library and formats the result; exit codes follow the error's category (see exit-codes.ts).
 * @module
 */
import { run } from './program.js'

// `evogit log | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})

// An error message into a closed pipe (`evogit save … 2>&1 | head -1`) must not turn the
// command's own exit code into a crash: the code still says what happened.
process.stderr.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err
})

process.exitCode = await run({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
})
