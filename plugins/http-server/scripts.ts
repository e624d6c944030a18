// model-compose's lifecycle scripts (`manage:`): `install` and `build` run in
// turn before a component starts, `clean` after it stopped, `start` is a
// managed server's command. A command is a list of arguments or text (run by
// `sh -c`); `install`, `build` and `clean` may be a list of commands. They may
// stand under `manage:`, under `manage.scripts:`, or directly on the component
// (model-compose's shorthand); `manage.working_dir` and `manage.env` apply to all.

import { Type, type TSchema } from '@sinclair/typebox'
import { ConfigurationError, type Logger, toText } from '../../core/plugin/api.ts'
import { ManagedProcess } from './managed-process.ts'

export const Command = Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })], {
  errorMessage: 'expected a command: text, or a list of arguments',
})

const CommandList = Type.Union([Command, Type.Array(Type.Array(Type.String(), { minItems: 1 }), { minItems: 1 })], {
  errorMessage: 'expected a command (text, or a list of arguments) or a list of commands',
})

export type ScriptName = 'install' | 'build' | 'clean' | 'start'
type CommandValue = string | string[]
type ScriptValues = Partial<Record<ScriptName, CommandValue | string[][]>>

/** The schemas of the script keys a component type has (`start` is one command, the others lists). */
export function scriptKeys(names: ScriptName[]): Record<string, TSchema> {
  return Object.fromEntries(names.map((name) => [name, Type.Optional(name === 'start' ? Command : CommandList)]))
}

export function manageSchema(names: ScriptName[]) {
  return Type.Object(
    {
      ...scriptKeys(names),
      scripts: Type.Optional(Type.Object(scriptKeys(names), { additionalProperties: false })),
      working_dir: Type.Optional(Type.String()),
      env: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    },
    { additionalProperties: false },
  )
}

export interface ManageSettings extends ScriptValues {
  manage?: ScriptValues & { scripts?: ScriptValues; working_dir?: string; env?: Record<string, unknown> }
}

export interface Lifecycle {
  install: string[][]
  build: string[][]
  clean: string[][]
  start?: string[]
  /** `manage.working_dir`, relative to the compose file. */
  workingDir?: string
  env: Record<string, string>
}

/** The scripts wherever they stand; one given in two places is a ConfigurationError naming the second. */
export function lifecycleOf(settings: ManageSettings): Lifecycle {
  const { manage = {} } = settings
  const places: [ScriptValues, (string | number)[]][] = [
    [settings, []],
    [manage, ['manage']],
    [manage.scripts ?? {}, ['manage', 'scripts']],
  ]
  const pick = (name: ScriptName): CommandValue | string[][] | undefined => {
    const found = places.filter(([values]) => values[name] !== undefined)
    if (found.length > 1) throw new ConfigurationError(`"${name}" is given twice; keep one`, [...found[1]![1], name])
    return found[0]?.[0][name]
  }
  const start = pick('start') as CommandValue | undefined
  return {
    install: commandsOf(pick('install')),
    build: commandsOf(pick('build')),
    clean: commandsOf(pick('clean')),
    ...(start !== undefined ? { start: argvOf(start) } : {}),
    ...(manage.working_dir !== undefined ? { workingDir: manage.working_dir } : {}),
    env: Object.fromEntries(Object.entries(manage.env ?? {}).map(([k, v]) => [k, toText(v)])),
  }
}

/** A list runs as it is; text runs through `sh -c`. */
function argvOf(command: CommandValue): string[] {
  return Array.isArray(command) ? command : ['sh', '-c', command]
}

/** A list of strings is one command (as model-compose reads it); a list of lists, several. */
function commandsOf(value: CommandValue | string[][] | undefined): string[][] {
  if (value === undefined) return []
  if (typeof value === 'string' || value.every((token) => typeof token === 'string')) return [argvOf(value as CommandValue)]
  return value as string[][]
}

export interface ScriptOptions {
  id: string
  cwd: string
  env: Record<string, string | undefined>
  graceMs: number
  log: Logger
  /** Told of each script while it runs, so that stopping the component stops it. */
  running: (script: ManagedProcess | undefined) => void
}

/** Runs the commands one after the other, their output logged; a non-zero exit fails with its last lines. */
export async function runScripts(name: ScriptName, commands: string[][], options: ScriptOptions): Promise<void> {
  for (const argv of commands) {
    const shown = describeCommand(argv)
    options.log.info(`${name}: ${shown}`)
    const script = new ManagedProcess(argv, options)
    options.running(script)
    const code = await script.exited
    options.running(undefined)
    if (code !== 0) {
      const tail = script.tail()
      throw new Error(`component "${options.id}": ${name} command "${shown}" exited with code ${code}${tail ? `; its last lines:\n${tail}` : ''}`)
    }
  }
}

/** A command on one short line, for messages. */
function describeCommand(argv: string[]): string {
  const line = argv.join(' ').replace(/\s+/g, ' ').trim()
  return line.length > 80 ? `${line.slice(0, 80)}…` : line
}
