// A server process that mc starts, watches and stops. It runs under a
// supervisor (core/process/supervisor.ts): stopping it, or mc dying in any
// way, stops everything the server started (SIGTERM, then SIGKILL after a
// grace period). Its output is logged line by line, and the last lines are
// kept to explain an exit.

import { linesOf, type Logger, SupervisedProcess } from '../../core/plugin/api.ts'

const KEEP_LINES = 20

export class ManagedProcess {
  private readonly lines: string[] = []
  readonly exited: Promise<number>
  exitCode: number | null = null
  private readonly child: SupervisedProcess

  /** `graceMs`: SIGTERM → SIGKILL when it stops, for the server and what it started. */
  constructor(argv: string[], options: { cwd: string; env: Record<string, string | undefined>; graceMs: number; log: Logger }) {
    this.child = new SupervisedProcess(argv, { cwd: options.cwd, env: options.env, graceMs: options.graceMs })
    const keep = (line: string) => {
      options.log.info(line)
      this.lines.push(line)
      if (this.lines.length > KEEP_LINES) this.lines.shift()
    }
    void this.pipe(this.child.stdout, keep)
    void this.pipe(this.child.stderr, keep)
    this.exited = this.child.exited.then((code) => (this.exitCode = code))
  }

  /** The last lines the process wrote, for error messages. */
  tail(): string {
    return this.lines.join('\n')
  }

  /** Stops the server and everything it started; resolves once all of it is gone. */
  async stop(): Promise<void> {
    await this.child.stop()
  }

  private async pipe(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
    for await (const line of linesOf(stream)) onLine(line)
  }
}
