// The official MCP SDK client, connected to an mc serving MCP: over
// Streamable HTTP (with the headers a test gives) or over stdio (mc started
// by the client, as a desktop client does); and such an mc, started.

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { freePort, MC, startComposed, type McProcess } from './mc.ts'

/** A `controller:` serving the HTTP API on `httpPort` and MCP on `mcpPort` at /mcp. */
export const httpAndMcpController = (httpPort: number, mcpPort: number) => `
controller:
  adapters:
    - type: http-server
      port: ${httpPort}
    - type: mcp-server
      port: ${mcpPort}
      base_path: /mcp`

/** `mc up` of `compose(httpPort, mcpPort)` on free ports (`keyFile` as in startComposed), once its MCP server is on. */
export async function startMcServingMcp(compose: (httpPort: number, mcpPort: number) => string, env: Record<string, string> = {}, options: { keyFile?: string } = {}): Promise<{ mc: McProcess; mcpPort: number }> {
  const mcpPort = freePort()
  const mc = await startComposed((httpPort) => compose(httpPort, mcpPort), env, options)
  await logged(mc.logs, 'MCP server on')
  return { mc, mcpPort }
}

export async function httpClient(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'mc-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }))
  return client
}

/** `mc up -f FILE` started by the client on its stdin/stdout; what mc writes to stderr is kept in `stderr()`. */
export async function stdioClient(cwd: string, file: string, env: Record<string, string> = {}): Promise<{ client: Client; transport: StdioClientTransport; stderr(): string }> {
  const transport = new StdioClientTransport({
    command: MC[0]!,
    args: [...MC.slice(1), 'up', '-f', file],
    cwd,
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const client = new Client({ name: 'mc-test', version: '1.0.0' })
  await client.connect(transport)
  return { client, transport, stderr: () => stderr }
}

/** Resolves once `logs()` holds `text` (mc says it serves), or rejects after `ms`. */
export async function logged(logs: () => string, text: string, ms = 10_000): Promise<void> {
  const until = performance.now() + ms
  while (!logs().includes(text)) {
    if (performance.now() > until) throw new Error(`"${text}" never appeared in:\n${logs()}`)
    await Bun.sleep(20)
  }
}
