// The baseline of test/bench/mcp.ts: the MCP SDK's own server (McpServer over
// Streamable HTTP, on Bun) with one tool doing what mc's workflow does — ask
// the upstream for a chat completion and answer its text. Run as a process of
// its own: `bun test/bench/mcp-sdk-direct.ts PORT UPSTREAM_URL`.

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { z } from 'zod'

const [port, upstream] = [Number(process.argv[2]), process.argv[3]!]
const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>()

async function ask(prompt: string): Promise<string> {
  const response = await fetch(`${upstream}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: prompt }] }),
  })
  const body = (await response.json()) as { choices: { message: { content: string } }[] }
  return body.choices[0]!.message.content
}

async function newSession(): Promise<WebStandardStreamableHTTPServerTransport> {
  const server = new McpServer({ name: 'sdk-direct', version: '1.0.0' })
  server.registerTool('ask', { description: 'Asks the upstream', inputSchema: { prompt: z.string() } }, async ({ prompt }) => ({
    content: [{ type: 'text', text: await ask(prompt) }],
  }))
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID(), onsessioninitialized: (id) => void sessions.set(id, transport) })
  await server.connect(transport)
  return transport
}

Bun.serve({
  port,
  hostname: '127.0.0.1',
  idleTimeout: 0,
  async fetch(request) {
    const id = request.headers.get('mcp-session-id')
    const transport = id ? sessions.get(id) : await newSession()
    return transport ? transport.handleRequest(request) : new Response('unknown session', { status: 404 })
  },
})
