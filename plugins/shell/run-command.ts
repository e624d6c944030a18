// One command run to its end, as model-compose runs it: the result is its
// `stdout` and `stderr` (decoded, whitespace stripped at both ends) and its
// `exit_code`; a non-zero exit is a result, not an error, but a command that
// cannot start (not found, not executable) is one, as in model-compose, so
// `retry` and `on_error` apply (text run by `sh -c` starts the shell: its 127
// for a command it cannot find is an exit code, as with Python's shell=True).
// Each of stdout and stderr is read up to MC_MAX_COMMAND_OUTPUT_BYTES: past
// that the command is killed and the run fails saying so. `timeout` and cancellation kill the
// command and everything it started (it runs under a supervisor).

import { collectBytes, describeBytes, type Logger, pythonStrip, raisedBytes, SupervisedProcess } from '../../core/plugin/api.ts'

export interface CommandOptions {
  cwd: string
  env: Record<string, string | undefined>
  timeoutMs?: number
  /** MC_MAX_COMMAND_OUTPUT_BYTES */
  maxOutputBytes: number
  signal: AbortSignal
  log: Logger
}

export interface CommandResult {
  stdout: string
  stderr: string
  exit_code: number
  /** stdout with one trailing newline removed, as `$(...)` does: mc's earlier `${stdout}`. */
  rawStdout: string
  rawStderr: string
}

export async function runCommand(argv: string[], options: CommandOptions): Promise<CommandResult> {
  const { signal, timeoutMs, maxOutputBytes } = options
  signal.throwIfAborted()
  const child = new SupervisedProcess(argv, { cwd: options.cwd, env: options.env, graceMs: 0 }) // SIGKILL at once
  const stop = () => void child.stop()
  signal.addEventListener('abort', stop, { once: true })
  let timedOut = false
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), stop()), timeoutMs)
  const tooMuch = (stream: string) => () =>
    new Error(
      `command ${argv[0]} wrote more than ${describeBytes(maxOutputBytes)} to ${stream}, the most mc holds of a command's output (MC_MAX_COMMAND_OUTPUT_BYTES); raise it, e.g. -e MC_MAX_COMMAND_OUTPUT_BYTES=${raisedBytes(maxOutputBytes)}`,
    )
  try {
    const [stdout, stderr, code] = await Promise.all([
      collectText(child.stdout, maxOutputBytes, tooMuch('stdout')),
      collectText(child.stderr, maxOutputBytes, tooMuch('stderr')),
      child.exited,
    ])
    signal.throwIfAborted()
    const failure = await child.startFailure
    if (failure) throw failure
    if (timedOut) throw new Error(`command timed out after ${timeoutMs! / 1000}s: ${argv[0]}`)
    if (code !== 0) options.log.debug(`command exited with code ${code}: ${argv[0]}${stderr.trim() ? `: ${lastLines(stderr)}` : ''}`)
    return { stdout: pythonStrip(stdout), stderr: pythonStrip(stderr), exit_code: code, rawStdout: chomp(stdout), rawStderr: chomp(stderr) }
  } catch (error) {
    await child.stop()
    throw error
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', stop)
  }
}

/** A stream read whole as UTF-8 text, failing with `tooMuch()` once it passes `max` bytes. */
async function collectText(stream: ReadableStream<Uint8Array>, max: number, tooMuch: () => Error): Promise<string> {
  return new TextDecoder().decode(await collectBytes(stream, max, tooMuch))
}

function chomp(text: string): string {
  return text.replace(/\r?\n$/, '')
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ')
}
