#!/usr/bin/env bun
// The `mc` command line. Errors are one line (file:line:col for compose files)
// and a non-zero exit; `-v` adds stack traces.
//
// A built mc (the executable, the npm bundle) is also the supervisor of every process mc starts
// (core/process/supervisor.ts), and a model's child process (`runtime: process`), each run with a hidden first argument. A supervisor
// must start fast, so the command line's own modules load only after that check.

import { followLauncher } from '../core/process/launcher.ts'
import { SUPERVISE_ARG, supervise } from '../core/process/supervisor.ts'
import { MODEL_WORKER_ARG } from '../plugins/model/process/worker-arg.ts'
import pkg from '../package.json' with { type: 'json' }
import type { CliArgs } from './invocation/args.ts'

if (process.argv[2] === SUPERVISE_ARG) void supervise(process.argv.slice(3))
else if (process.argv[2] === MODEL_WORKER_ARG) void import('../plugins/model/worker-main.ts')
else run()

async function main(argv: string[]): Promise<number> {
  const { commandName, parseCli } = await import('./invocation/args.ts')
  const args = parseCli(argv)
  const { setVerbose } = await import('../core/log.ts')
  setVerbose(args.verbose)
  if (args.version) {
    process.stdout.write(`${commandName()} ${pkg.version}\n`)
    return 0
  }
  if (args.help || !args.command || args.command === 'help') {
    const { helpText } = await import('./commands/help.ts')
    process.stdout.write(helpText(commandName()))
    return args.help || args.command ? 0 : 2
  }
  return dispatch(args)
}

async function dispatch(args: CliArgs): Promise<number> {
  switch (args.command!) {
    case 'up':
      return (await import('./commands/up.ts')).upCommand(args)
    case 'run':
      return (await import('./commands/run.ts')).runCommand(args)
    case 'validate':
      return (await import('./commands/validate.ts')).validateCommand(args)
    case 'down':
      return (await import('./detach/detach.ts')).stopDetached(args, true)
    case 'stop':
      return (await import('./detach/detach.ts')).stopDetached(args, false)
    case 'start':
      return (await import('./detach/detach.ts')).startDetached(args)
    case 'restart':
      return (await import('./detach/detach.ts')).restartDetached(args)
    case 'ps':
      return (await import('./commands/ps.ts')).psCommand(args)
    case 'logs':
      return (await import('./commands/logs.ts')).logsCommand(args)
    case 'help':
      return 0 // answered above
  }
}

function run(): void {
  followLauncher()
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    async (error: unknown) => {
      const { createLogger, isVerbose } = await import('../core/log.ts')
      const log = createLogger('mc')
      const message = error instanceof Error ? error.message : String(error)
      log.error(isVerbose() && error instanceof Error && error.stack ? error.stack : message)
      process.exit(1)
    },
  )
}
