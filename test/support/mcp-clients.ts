// The official MCP SDK client, connected to an mc serving MCP: over
// Streamable HTTP (with the headers a test gives) or over stdio (mc started
// by the client, as a desktop client does).

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { MC } from './mc.ts'

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
