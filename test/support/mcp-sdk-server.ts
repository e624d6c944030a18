// A real MCP server written with the official SDK (`McpServer` + zod tool
// schemas), for the mcp-client and mcp-server tests. In a test process,
// `startMcpSdkServer()` serves it over Streamable HTTP on a free port and
// records what it saw (each tool call's HTTP headers, cancelled calls,
// sessions). As a script it is a child process:
//   bun test/support/mcp-sdk-server.ts --port N [--path /mcp] [--child]   (Streamable HTTP)
//   bun test/support/mcp-sdk-server.ts --stdio                            (stdio)
// and reports the same events as lines on stderr ("mcp-sdk-server: ...").
//
// Tools: echo {text}, add {a, b}, slow {seconds} (progress every 100 ms, stops
// when cancelled), fail {reason} (an isError result), image (an image block
// and a text block), big {bytes} (a text of that many bytes).

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { z } from 'zod'

/** A 1×1 red PNG. */
export const RED_DOT_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='

export interface McpServerEvents {
  /** Each tool call, with the HTTP headers of the request that carried it (none over stdio). */
  calls: { tool: string; headers: Record<string, string> }[]
  /** The tool calls the client cancelled, seen by the tool itself through its abort signal. */
  cancelled: string[]
  /** How many sessions clients initialized. */
  sessions: number
}

/** The SDK server with the test tools; events are recorded in `events` and told to `report`. */
function buildServer(events: McpServerEvents, report: (line: string) => void): McpServer {
  const server = new McpServer({ name: 'mc-test-tools', version: '1.0.0' })
  const seen = (tool: string, extra: { requestInfo?: { headers: Record<string, string | string[] | undefined> } }) => {
    const headers = Object.fromEntries(Object.entries(extra.requestInfo?.headers ?? {}).map(([k, v]) => [k, String(v)]))
    events.calls.push({ tool, headers })
    report(`call ${tool}${headers['x-team'] ? ` x-team=${headers['x-team']}` : ''}`)
  }
  server.registerTool('echo', { description: 'Says the text back', inputSchema: { text: z.string() } }, async ({ text }, extra) => {
    seen('echo', extra)
    return { content: [{ type: 'text', text }] }
  })
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }, extra) => {
    seen('add', extra)
    return { content: [{ type: 'text', text: String(a + b) }] }
  })
  server.registerTool('slow', { description: 'Works for a while, reporting progress', inputSchema: { seconds: z.number() } }, async ({ seconds }, extra) => {
    seen('slow', extra)
    const steps = Math.ceil(seconds * 10)
    for (let step = 1; step <= steps; step++) {
      await Bun.sleep(100)
      if (extra.signal.aborted) {
        events.cancelled.push('slow')
        report('slow cancelled')
        return { content: [{ type: 'text', text: 'cancelled' }] }
      }
      const progressToken = extra._meta?.progressToken
      if (progressToken !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: step, total: steps } })
      }
    }
    return { content: [{ type: 'text', text: 'done' }] }
  })
  server.registerTool('fail', { description: 'Always fails', inputSchema: { reason: z.string() } }, async ({ reason }, extra) => {
    seen('fail', extra)
    return { isError: true, content: [{ type: 'text', text: reason }] }
  })
  server.registerTool('image', { description: 'Draws a red dot' }, async (extra) => {
    seen('image', extra)
    return {
      content: [
        { type: 'image', data: RED_DOT_PNG, mimeType: 'image/png' },
        { type: 'text', text: 'a red dot' },
      ],
    }
  })
  server.registerTool('big', { description: 'A long text', inputSchema: { bytes: z.number().int() } }, async ({ bytes }, extra) => {
    seen('big', extra)
    return { content: [{ type: 'text', text: 'x'.repeat(bytes) }] }
  })
  return server
}

export interface McpSdkServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:PORT/mcp. */
  url: string
  port: number
  events: McpServerEvents
  stop(): Promise<void>
}

/** Serves the tools over Streamable HTTP (one SDK server and transport per session), on `port` or a free one. */
export function startMcpSdkServer(options: { port?: number; path?: string; report?: (line: string) => void } = {}): McpSdkServer {
  const path = options.path ?? '/mcp'
  const report = options.report ?? (() => {})
  const events: McpServerEvents = { calls: [], cancelled: [], sessions: 0 }
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>()
  const http = Bun.serve({
    hostname: '127.0.0.1',
    port: options.port ?? 0,
    idleTimeout: 0, // a session's SSE stream stays open between calls
    async fetch(request) {
      if (new URL(request.url).pathname !== path) return new Response('not found', { status: 404 })
      const sessionId = request.headers.get('mcp-session-id')
      const existing = sessionId ? sessions.get(sessionId) : undefined
      if (existing) return existing.handleRequest(request)
      if (sessionId) return Response.json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }, { status: 404 })
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, transport)
          events.sessions++
          report(`session ${events.sessions}`)
        },
      })
      transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId)
      await buildServer(events, report).connect(transport)
      return transport.handleRequest(request)
    },
  })
  return {
    url: `http://127.0.0.1:${http.port}${path}`,
    port: http.port!,
    events,
    async stop() {
      await Promise.all([...sessions.values()].map((transport) => transport.close()))
      await http.stop(true)
    },
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const flag = (name: string) => {
    const at = args.indexOf(name)
    return at >= 0 ? args[at + 1] : undefined
  }
  const report = (line: string) => console.error(`mcp-sdk-server: ${line}`)
  if (args.includes('--stdio')) {
    await buildServer({ calls: [], cancelled: [], sessions: 0 }, report).connect(new StdioServerTransport())
    report(`ready on stdio (pid ${process.pid})`)
  } else {
    // --child: a worker process of the server's own, to show that stopping the server stops it too.
    if (args.includes('--child')) Bun.spawn(['sleep', '600'], { stdio: ['ignore', 'ignore', 'ignore'] })
    const server = startMcpSdkServer({ port: Number(flag('--port') ?? 0), path: flag('--path') ?? '/mcp', report })
    report(`listening on ${server.url} (pid ${process.pid})`)
  }
}
