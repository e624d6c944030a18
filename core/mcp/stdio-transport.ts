// The MCP server on mc's own stdin and stdout (`transport: stdio`), for a
// desktop client that starts mc itself. stdout then carries MCP messages and
// nothing else: `claimStdout` takes it for them and sends whatever else would
// write there (process.stdout, console.log and kin) to stderr, where mc's log
// already goes. Children never write to it: mc pipes theirs (core/process/).

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { Writable } from 'node:stream'
import type { Logger } from '../log.ts'
import type { McpServerConfig } from '../model/compose-model.ts'
import { serverFromWorkflows } from './server-from-workflows.ts'
import type { ToolCallContext } from './tool-call.ts'
import type { WorkflowTool } from './workflow-tools.ts'

/** Largest message read from stdin (the SDK buffers a line until its end). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/** The real stdout, for MCP messages only; everything else written to stdout from now on goes to stderr. */
export function claimStdout(): Writable {
  const stdout = process.stdout
  const write = stdout.write.bind(stdout) as (chunk: unknown, callback?: (error?: Error | null) => void) => boolean
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write
  for (const name of ['log', 'info', 'debug', 'trace', 'dir', 'table'] as const) console[name] = console.error
  return new Writable({ write: (chunk, _encoding, callback) => void write(chunk, callback) })
}

export interface McpStdioOptions {
  config: McpServerConfig
  tools: ReadonlyMap<string, WorkflowTool>
  context: ToolCallContext
  out: Writable
  log: Logger
}

export interface RunningStdio {
  /** Resolves once the client closed stdin (it is done with mc). */
  readonly closed: Promise<void>
  stop(): Promise<void>
}

export async function startMcpStdio({ config, tools, context, out, log }: McpStdioOptions): Promise<RunningStdio> {
  const closed = Promise.withResolvers<void>()
  const transport = new StdioServerTransport(process.stdin, out, { maxBufferSize: MAX_MESSAGE_BYTES })
  const server = serverFromWorkflows(tools, context, config.serverName)
  server.onclose = () => closed.resolve()
  server.onerror = (error) => log.warn(`MCP (stdio): ${error.message}`)
  process.stdin.once('end', () => void server.close())
  await server.connect(transport)
  return {
    closed: closed.promise,
    stop: () => server.close(),
  }
}
