// A child process as mc runs it: under its own supervisor (supervisor.ts), in a
// process group of its own. Its stdout and stderr are the command's; stopping
// it asks the supervisor, which stops everything below it. A command that
// cannot start is told apart from one that exits: `startFailure`.

import { closeSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { isBundle, isCompiledBinary, selfCommand } from './compiled.ts'
import { signalGroup } from './group.ts'
import { SUPERVISE_ARG } from './supervisor.ts'

/** How long mc waits beyond the grace period before it kills a supervisor that has not exited. */
const MARGIN_MS = 2000

/** A built mc runs itself with a hidden argument; from the sources, Bun runs supervisor-main.ts. */
function supervisorCommand(): string[] {
  return isCompiledBinary() || isBundle() ? [...selfCommand(), SUPERVISE_ARG] : [process.execPath, join(import.meta.dir, 'supervisor-main.ts')]
}

export interface SupervisedOptions {
  cwd: string
  env: Record<string, string | undefined>
  /** Between SIGTERM and SIGKILL for what is still running when it stops; 0 = SIGKILL at once. */
  graceMs: number
}

export class SupervisedProcess {
  /** The command's exit code (128 + signal when a signal ended it). */
  readonly exited: Promise<number>
  /**
   * Settles once the command has started (undefined) or could not start: then
   * an error naming it, with the system's code (ENOENT, EACCES) — the supervisor
   * exits 127 and `exited` gives that, as a shell does.
   */
  readonly startFailure: Promise<(Error & { code?: string }) | undefined>
  private readonly proc: Bun.Subprocess<'pipe', 'pipe', 'pipe'>

  constructor(
    argv: string[],
    private readonly options: SupervisedOptions,
  ) {
    // stdin is the pipe whose end-of-file tells the supervisor mc is gone: never written, never closed.
    // fd 3 is the supervisor's report on the start (supervisor.ts).
    try {
      this.proc = Bun.spawn([...supervisorCommand(), String(options.graceMs / 1000), ...argv], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
        detached: true,
      }) as unknown as Bun.Subprocess<'pipe', 'pipe', 'pipe'>
    } catch (error) {
      // A missing working directory fails the supervisor's own start, naming Bun.
      if ((error as { code?: string }).code !== 'ENOENT' || existsSync(options.cwd)) throw error
      throw Object.assign(new Error(`cannot start command ${argv[0]}: no such working directory ${options.cwd}`), { code: 'ENOENT' })
    }
    this.startFailure = readReport(this.proc.stdio[3] as number).then((text) => startError(argv[0] ?? '', text))
    // Should the supervisor itself be killed (OOM killer, kill -9), what it leaves in its group goes too.
    this.exited = this.proc.exited.then((code) => (signalGroup(this.proc.pid, 'SIGKILL'), code))
  }

  get stdout(): ReadableStream<Uint8Array> {
    return this.proc.stdout
  }

  get stderr(): ReadableStream<Uint8Array> {
    return this.proc.stderr
  }

  /** Asks the supervisor to stop everything (SIGTERM, then SIGKILL after the grace period); resolves on its exit. */
  async stop(): Promise<number> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM')
    const timer = setTimeout(() => signalGroup(this.proc.pid, 'SIGKILL'), this.options.graceMs + MARGIN_MS)
    try {
      return await this.exited
    } finally {
      clearTimeout(timer)
    }
  }
}

/** The report pipe read to its end, then closed; '' when the command started. */
async function readReport(fd: number): Promise<string> {
  try {
    return await new Response(Bun.file(fd).stream()).text()
  } catch {
    return ''
  } finally {
    try {
      closeSync(fd)
    } catch {
      // closed already
    }
  }
}

function startError(program: string, text: string): (Error & { code?: string }) | undefined {
  if (text === '') return undefined
  let code: string | undefined
  let message = text
  try {
    ;({ code, message } = JSON.parse(text) as { code?: string; message: string })
  } catch {
    // the text as it came
  }
  const reason = message.startsWith('Executable not found in $PATH') ? 'not found in PATH' : code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : message
  return Object.assign(new Error(`cannot start command ${program}: ${reason}`), code === undefined ? {} : { code })
}
