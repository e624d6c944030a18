#!/usr/bin/env bun
// The `mc` command line. Errors are one line (file:line:col for compose files)
// and a non-zero exit; `-v` adds stack traces.

import { createLogger, isVerbose, setVerbose } from '../core/log.ts'
import pkg from '../package.json' with { type: 'json' }
import { HELP, parseCli, type CliArgs } from './args.ts'
import { runCommand } from './commands/run.ts'
import { upCommand } from './commands/up.ts'
import { validateCommand } from './commands/validate.ts'
import { startDetached, stopDetached } from './detach.ts'

async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv)
  setVerbose(args.verbose)
  if (args.version) {
    process.stdout.write(`mc ${pkg.version}\n`)
    return 0
  }
  if (args.help || !args.command) {
    process.stdout.write(HELP)
    return args.help ? 0 : 2
  }
  return dispatch(args)
}

function dispatch(args: CliArgs): Promise<number> {
  switch (args.command!) {
    case 'up':
      return upCommand(args)
    case 'run':
      return runCommand(args)
    case 'validate':
      return validateCommand(args)
    case 'down':
      return stopDetached(args, true)
    case 'stop':
      return stopDetached(args, false)
    case 'start':
      return startDetached(args)
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const log = createLogger('mc')
    const message = error instanceof Error ? error.message : String(error)
    log.error(isVerbose() && error instanceof Error && error.stack ? error.stack : message)
    process.exit(1)
  },
)
