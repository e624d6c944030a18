// Command-line arguments: `mc [-f FILE]... COMMAND [ARGS]`, parsed with
// node:util's parseArgs. After `logs`, `-f` is docker compose's "follow", not
// a file: the file option goes before the command there.

import { parseArgs } from 'node:util'

const COMMANDS = ['up', 'down', 'start', 'stop', 'restart', 'ps', 'logs', 'run', 'validate', 'help'] as const
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
  /** `logs -f`: go on printing what is written until Ctrl-C. */
  follow: boolean
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
  follow: { type: 'boolean' },
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
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Error(`unknown option ${option} ("${commandName()} --help" lists the options)`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new Error(`option ${option.split(/[ ,]/)[0]} needs a value ("${commandName()} --help" lists the options)`)
    throw new Error(`${message.split('\n')[0]} ("${commandName()} --help" lists the options)`)
  }
}

/** The options that take a value: what follows them is not the command. */
const VALUED = new Set(Object.entries(OPTIONS).flatMap(([long, o]) => (o.type === 'string' ? [`--${long}`, ...('short' in o ? [`-${o.short}`] : [])] : [])))

/** `mc [...] logs -f` → `--follow`: only the tokens after the command `logs`. */
function followFlags(argv: string[]): string[] {
  let i = 0
  while (i < argv.length && argv[i]!.startsWith('-')) i += VALUED.has(argv[i]!) ? 2 : 1
  if (argv[i] !== 'logs') return argv
  return argv.map((arg, j) => (j > i && arg === '-f' ? '--follow' : arg))
}

/**
 * The name mc was started as, for its help and hints: `mc` or `mc-compose`
 * (package.json "bin"; cli/mc passes it on in MC_INVOKED_AS).
 */
export function commandName(): string {
  const name = process.env.MC_INVOKED_AS
  return name && /^[\w.-]{1,64}$/.test(name) ? name : 'mc'
}

export function parseCli(argv: string[]): CliArgs {
  const { values, positionals } = parseWith(followFlags(argv))
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
    follow: values.follow ?? false,
    version: values.version ?? false,
    help: values.help ?? false,
  }
}
