// A child process as mc runs it: under its own supervisor (supervisor.ts), in a
// process group of its own. Its stdout and stderr are the command's; stopping
// it asks the supervisor, which stops everything below it.

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
  private readonly proc: Bun.Subprocess<'pipe', 'pipe', 'pipe'>

  constructor(
    argv: string[],
    private readonly options: SupervisedOptions,
  ) {
    // stdin is the pipe whose end-of-file tells the supervisor mc is gone: never written, never closed.
    this.proc = Bun.spawn([...supervisorCommand(), String(options.graceMs / 1000), ...argv], {
      cwd: options.cwd,
      env: options.env,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      detached: true,
    })
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
