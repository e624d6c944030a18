// Command-line arguments: `mc [-f FILE]... COMMAND [ARGS]`, parsed with
// node:util's parseArgs.

import { parseArgs } from 'node:util'

const COMMANDS = ['up', 'down', 'start', 'stop', 'run', 'validate'] as const
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
  /** `run --auto-resume`: a job's interrupt goes on without asking. */
  autoResume: boolean
  version: boolean
  help: boolean
}

const OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  'env-file': { type: 'string', multiple: true },
  env: { type: 'string', short: 'e', multiple: true },
  verbose: { type: 'boolean', short: 'v' },
  detach: { type: 'boolean', short: 'd' },
  input: { type: 'string', short: 'i' },
  output: { type: 'string', short: 'o' },
  'auto-resume': { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** parseArgs, its errors said in one line of ours. */
function parseWith(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS })
  } catch (error) {
    const { code, message } = error as { code?: string; message: string }
    const option = /'([^']+)'/.exec(message)?.[1] ?? ''
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Error(`unknown option ${option} ("mc --help" lists the options)`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new Error(`option ${option.split(/[ ,]/)[0]} needs a value ("mc --help" lists the options)`)
    throw new Error(`${message.split('\n')[0]} ("mc --help" lists the options)`)
  }
}

export function parseCli(argv: string[]): CliArgs {
  const { values, positionals } = parseWith(argv)
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
    autoResume: values['auto-resume'] ?? false,
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
      -i, --input JSON         the workflow's input: inline JSON, @FILE to read it from a file, - for stdin
      -o, --output FILE        write the output to FILE instead of stdout
      --auto-resume            go on at a job's interrupt without asking (else: asks on the terminal)
  validate                     load and check the compose file(s): prints "ok" or the error

Options:
  -f, --file FILE              compose file (repeat to merge; default: model-compose.yml, compose.yml, ...)
      --env-file FILE          read KEY=VALUE lines (repeat; later files win)
  -e, --env KEY=VALUE          set an environment variable (wins over --env-file)
  -v, --verbose                debug logs and stack traces
      --version                print the version
  -h, --help                   this help
`
