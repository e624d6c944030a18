// The `shell` component, with model-compose's contract: a run gives
// `${result}` = {stdout, stderr, exit_code} (its default output), a non-zero
// exit included; `command` is a list of arguments (mc also runs text through
// `sh -c`, and appends `args`); `working_dir` (or mc's `cwd`) is relative to
// `base_dir`, itself relative to the compose file; `env` adds to mc's
// environment. A list of commands runs them `batch_size` at a time and gives
// the list of their results. `streaming: true` gives stdout line by line
// (stream-command.ts). mc's earlier `${stdout}` and `${stderr}` stay: the
// output with one trailing newline removed. `install` scripts run before the
// first run, `clean` ones when mc stops (model-compose's `manage:`).

import { homedir } from 'node:os'
import { resolve } from 'node:path'
import { bodyLimitsOf, bytesSetting, ConfigurationError, defineComponentPlugin, flagOf, invalidInput, type RunResult, secondsSetting, toMilliseconds, toText, wholeNumberOf } from '../../core/plugin/api.ts'
import type { ManagedProcess } from '../http-server/managed-process.ts'
import { lifecycleOf, runScripts } from '../http-server/scripts.ts'
import { runCommand, type CommandOptions } from './run-command.ts'
import { ShellActionSchema, ShellSettingsSchema, type ShellAction, type ShellSettings } from './schema.ts'
import { streamCommand } from './stream-command.ts'

const MiB = 1024 * 1024

const shellPlugin = defineComponentPlugin<ShellSettings, ShellAction>({
  type: 'shell',
  settings: ShellSettingsSchema,
  action: ShellActionSchema,
  defaultOutput: '${result}',
  checkAction(action, settings) {
    if (action.command === undefined) throw new Error('needs "command"')
    if (action.cwd !== undefined && action.working_dir !== undefined) throw new ConfigurationError('give "working_dir" or "cwd", not both', ['cwd'])
    lifecycleOf(settings)
  },
  create(settings, { id, env, baseDir, log }) {
    const maxOutputBytes = bytesSetting(env, 'MC_MAX_COMMAND_OUTPUT_BYTES', 64 * MiB)
    const maxLineBytes = bodyLimitsOf(env).maxChunkBytes
    const lifecycle = lifecycleOf(settings)
    const componentDir = resolve(baseDir, expandHome(settings.base_dir ?? '.'))
    let script: ManagedProcess | undefined
    const scriptOptions = {
      id,
      cwd: resolve(baseDir, expandHome(lifecycle.workingDir ?? '.')),
      env: { ...env, ...lifecycle.env },
      graceMs: secondsSetting(env, 'MC_STOP_GRACE_SECONDS', 5, { allowZero: true }) * 1000,
      log,
      running: (running?: ManagedProcess) => (script = running),
    }
    let started = false
    return {
      async start() {
        started = true
        await runScripts('install', lifecycle.install, scriptOptions)
      },
      async stop() {
        await script?.stop()
        if (started) await runScripts('clean', lifecycle.clean, scriptOptions)
      },
      async run(action, { signal, log: runLog }): Promise<RunResult> {
        const options: CommandOptions = {
          cwd: resolve(componentDir, expandHome(action.working_dir ?? action.cwd ?? '.')),
          env: { ...env, ...Object.fromEntries(Object.entries(action.env ?? {}).map(([k, v]) => [k, toText(v)])) },
          ...(action.timeout !== undefined ? { timeoutMs: toMilliseconds(action.timeout) } : {}),
          maxOutputBytes,
          signal,
          log: runLog,
        }
        const several = Array.isArray(action.command) && action.command.some(Array.isArray)
        const commands = commandLines(action)
        if (flagOf(action.streaming, 'streaming')) {
          if (several) throw invalidInput('streaming: runs one command, not a list of commands')
          return { result: streamCommand(commands[0]!, { ...options, maxLineBytes }) }
        }
        if (several) return { result: await runInBatches(commands, wholeNumberOf(action.batch_size ?? 1, 'batch_size', 1), options) }
        const { rawStdout, rawStderr, ...result } = await runCommand(commands[0]!, options)
        return { result, stdout: rawStdout, stderr: rawStderr }
      },
    }
  },
})

/**
 * The argv of each command. A list of lists is several commands; another list
 * is one command (plus `args`); text alone runs through `sh -c`, text with
 * `args` is the program.
 */
function commandLines(action: ShellAction): string[][] {
  const args = (action.args ?? []).map(toText)
  const { command } = action
  if (Array.isArray(command)) {
    if (!command.some(Array.isArray)) return [[...command.map(toText), ...args]]
    if (!command.every(Array.isArray)) throw invalidInput('command: a list of commands holds lists of arguments only')
    return command.map((one) => (one as unknown[]).map(toText))
  }
  const text = toText(command)
  return [args.length > 0 ? [text, ...args] : ['sh', '-c', text]]
}

async function runInBatches(commands: string[][], batchSize: number, options: CommandOptions): Promise<unknown[]> {
  const results: unknown[] = []
  for (let i = 0; i < commands.length; i += batchSize) {
    const batch = await Promise.all(commands.slice(i, i + batchSize).map((argv) => runCommand(argv, options)))
    results.push(...batch.map(({ rawStdout: _out, rawStderr: _err, ...result }) => result))
  }
  return results
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path
}

export default shellPlugin
