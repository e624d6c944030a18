// Command-line arguments: `mc [-f FILE]... COMMAND [ARGS]`, parsed with
// node:util's parseArgs.

import { parseArgs } from 'node:util'

export const COMMANDS = ['up', 'down', 'start', 'stop', 'run', 'validate'] as const
export type Command = (typeof COMMANDS)[number]

export interface CliArgs {
  command?: Command
  positionals: string[]
  files: string[]
  envFiles: string[]
  env: string[]
  verbose: boolean
  detach: boolean
  input?: string
  output?: string
  version: boolean
  help: boolean
}

export function parseCli(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      file: { type: 'string', short: 'f', multiple: true },
      'env-file': { type: 'string', multiple: true },
      env: { type: 'string', short: 'e', multiple: true },
      verbose: { type: 'boolean', short: 'v' },
      detach: { type: 'boolean', short: 'd' },
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [first, ...rest] = positionals
  if (first !== undefined && !(COMMANDS as readonly string[]).includes(first)) {
    throw new Error(`unknown command "${first}" (commands: ${COMMANDS.join(', ')})`)
  }
  return {
    ...(first ? { command: first as Command } : {}),
    positionals: rest,
    files: values.file ?? [],
    envFiles: values['env-file'] ?? [],
    env: values.env ?? [],
    verbose: values.verbose ?? false,
    detach: values.detach ?? false,
    ...(values.input !== undefined ? { input: values.input } : {}),
    ...(values.output !== undefined ? { output: values.output } : {}),
    version: values.version ?? false,
    help: values.help ?? false,
  }
}

export const HELP = `mc — one compose file in, a streaming AI service out

Usage: mc [-f FILE]... COMMAND [OPTIONS]

Commands:
  up [-d]                      start the controller, Web UI and managed servers (-d: in the background)
  down                         stop a background mc started with "up -d"
  start / stop                 start or stop that background mc again, without re-reading the files
  run [FILE.yml] [WORKFLOW]    run one workflow once and exit; streams print as they arrive
      -i, --input JSON         the workflow's input
      -o, --output FILE        write the output to FILE instead of stdout
  validate                     load and check the compose file(s): prints "ok" or the error

Options:
  -f, --file FILE              compose file (repeat to merge; default: model-compose.yml, compose.yml, ...)
      --env-file FILE          read KEY=VALUE lines (repeat; later files win)
  -e, --env KEY=VALUE          set an environment variable (wins over --env-file)
  -v, --verbose                debug logs and stack traces
      --version                print the version
  -h, --help                   this help
`
