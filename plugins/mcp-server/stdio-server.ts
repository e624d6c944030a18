// A managed MCP server spoken to over its stdio (`transport: stdio`). It runs
// under mc's supervisor like any managed server; the supervisor keeps the
// command's stdin for itself, so the command reads its stdin from a named pipe
// that mc writes (`sh -c 'exec "$@" < pipe'`). Its stdout is the MCP channel;
// its stderr is logged, and the last lines kept to explain an exit.

import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { type ChunkLimit, linesOf, type Logger, SupervisedProcess } from '../../core/plugin/api.ts'
import { StdioTransport } from './stdio-transport.ts'

const KEEP_LINES = 20

export class StdioServer {
  readonly exited: Promise<number>
  exitCode: number | null = null
  private readonly lines: string[] = []
  private readonly child: SupervisedProcess
  private readonly dir: string
  private readonly input: ReturnType<typeof createWriteStream>
  private transportMade = false

  constructor(argv: string[], options: { cwd: string; env: Record<string, string | undefined>; graceMs: number; log: Logger }) {
    this.dir = mkdtempSync(join(tmpdir(), 'mc-mcp-stdio-'))
    const pipe = join(this.dir, 'stdin')
    const made = spawnSync('mkfifo', [pipe])
    if (made.status !== 0) throw new Error(`cannot make the named pipe for its stdin: ${made.stderr?.toString().trim() || made.error?.message}`)
    // Opened for reading and writing, the pipe's open never waits for the server's, and writes never fail while it starts.
    const fd = openSync(pipe, 'r+')
    this.input = createWriteStream('', { fd })
    this.input.on('error', () => {}) // a write after the server ended fails its own send
    this.child = new SupervisedProcess(['sh', '-c', 'exec "$@" < "$0"', pipe, ...argv], { cwd: options.cwd, env: options.env, graceMs: options.graceMs })
    void this.logLines(this.child.stderr, options.log)
    this.exited = this.child.exited.then((code) => (this.exitCode = code))
    void this.exited.then(() => this.input.destroy())
  }

  /** The transport over its stdio; one per process (a server's stdio carries one session). */
  transport(limit: ChunkLimit): Transport {
    if (this.transportMade) throw new Error('the server\'s stdio session ended')
    this.transportMade = true
    const write = (text: string) => new Promise<void>((resolve, reject) => this.input.write(text, (error) => (error ? reject(error) : resolve())))
    return new StdioTransport(this.child.stdout, write, limit)
  }

  /** The last lines the server wrote on stderr, for error messages. */
  tail(): string {
    return this.lines.join('\n')
  }

  /** Stops the server and everything it started; resolves once all of it is gone. */
  async stop(): Promise<void> {
    await this.child.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }

  private async logLines(stream: ReadableStream<Uint8Array>, log: Logger): Promise<void> {
    for await (const line of linesOf(stream)) {
      log.info(line)
      this.lines.push(line)
      if (this.lines.length > KEEP_LINES) this.lines.shift()
    }
  }
}
