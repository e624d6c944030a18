// A server process that mc starts, watches and stops. It runs in its own
// process group, so stopping it (SIGTERM, then SIGKILL after a grace period)
// reaches everything it started. Its output is logged line by line, and the
// last lines are kept to explain an exit.

import { existsSync } from 'node:fs'
import { signalGroup } from '../../core/process-group.ts'
import { linesOf } from '../../core/stream/text.ts'
import type { Logger } from '../../core/log.ts'

const KEEP_LINES = 20

/**
 * Where setpriv exists (Linux), the server runs under a small sh supervisor whose
 * parent-death signal is SIGTERM: if mc dies without stopping it (even by
 * SIGKILL), the supervisor gets SIGTERM and passes it to the whole group.
 */
const SETPRIV = '/usr/bin/setpriv'
function supervised(argv: string[]): string[] {
  if (!existsSync(SETPRIV)) return argv
  return [SETPRIV, '--pdeathsig', 'SIGTERM', '--', 'sh', '-c', 'trap "kill -TERM 0; exit 143" TERM; "$@" & wait $!; exit $?', 'mc-supervisor', ...argv]
}
/** Groups still running, killed at once if mc itself exits without stopping them. */
const live = new Set<number>()
process.on('exit', () => {
  for (const pid of live) signalGroup(pid, 'SIGKILL')
})

export class ManagedProcess {
  private readonly lines: string[] = []
  readonly exited: Promise<number>
  exitCode: number | null = null
  private readonly proc: ReturnType<typeof Bun.spawn>

  constructor(argv: string[], options: { cwd: string; env: Record<string, string | undefined>; log: Logger }) {
    this.proc = Bun.spawn(supervised(argv), { cwd: options.cwd, env: options.env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', detached: true })
    live.add(this.proc.pid)
    const keep = (line: string) => {
      options.log.info(line)
      this.lines.push(line)
      if (this.lines.length > KEEP_LINES) this.lines.shift()
    }
    void this.pipe(this.proc.stdout as ReadableStream<Uint8Array>, keep)
    void this.pipe(this.proc.stderr as ReadableStream<Uint8Array>, keep)
    this.exited = this.proc.exited.then((code) => {
      live.delete(this.proc.pid)
      this.exitCode = code
      return code
    })
  }

  get pid(): number {
    return this.proc.pid
  }

  /** The last lines the process wrote, for error messages. */
  tail(): string {
    return this.lines.join('\n')
  }

  /** SIGTERM to the whole group, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exitCode !== null) {
      signalGroup(this.proc.pid, 'SIGKILL') // children it left behind
      return
    }
    signalGroup(this.proc.pid, 'SIGTERM')
    const timer = setTimeout(() => signalGroup(this.proc.pid, 'SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
    signalGroup(this.proc.pid, 'SIGKILL')
    live.delete(this.proc.pid)
  }

  private async pipe(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
    for await (const line of linesOf(stream)) onLine(line)
  }
}
