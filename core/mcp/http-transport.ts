// The MCP server over Streamable HTTP (the SDK's web-standard transport) on
// its own port, at the adapter's `base_path`: one session per client
// (sessions.ts), each with its own SDK server. mc reads each POST body itself,
// within the HTTP API's bounds (MC_MAX_BODY_BYTES, MC_BODY_TIMEOUT_SECONDS,
// MC_MAX_BODIES_IN_FLIGHT_BYTES), so that it knows which request carries which
// tool call: a client that goes away cancels its calls. The API keys guard it
// as they guard the HTTP API (`Authorization: Bearer <key>`, else 401).

import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { Elysia } from 'elysia'
import { randomUUID } from 'node:crypto'
import { ByteBudget } from '../byte-budget.ts'
import type { RunningServer } from '../controller/http-server.ts'
import type { ControllerSettings } from '../controller/settings.ts'
import { busy } from '../errors.ts'
import { apiKeyCheck, callerOf } from '../http/api-key.ts'
import type { KeyHolder } from '../http/api-keys.ts'
import { answerError } from '../http/error-response.ts'
import { readJsonBody } from '../http/json-body.ts'
import { listen } from '../http/listen.ts'
import type { Logger } from '../log.ts'
import type { McpServerConfig } from '../model/compose-model.ts'
import { describeBytes } from '../settings.ts'
import type { McpSettings } from './mcp-settings.ts'
import { serverFromWorkflows } from './server-from-workflows.ts'
import { McpSession, McpSessions } from './sessions.ts'
import { boundUnread } from './unread-bound.ts'
import type { ToolCallContext } from './tool-call.ts'
import type { WorkflowTool } from './workflow-tools.ts'

export interface McpHttpOptions {
  config: McpServerConfig
  tools: ReadonlyMap<string, WorkflowTool>
  context: ToolCallContext
  settings: ControllerSettings
  mcpSettings: McpSettings
  log: Logger
}

/** A JSON-RPC error answer, as the transport itself gives them. */
function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status })
}

export function startMcpHttp({ config, tools, context, settings, mcpSettings, log }: McpHttpOptions): RunningServer {
  const sessions = new McpSessions(mcpSettings)
  const bodies = new ByteBudget(settings.bodiesInFlightBytes, (_used, _asked, max) => busy(`mc is busy: request bodies being read take ${describeBytes(max)}, its limit (MC_MAX_BODIES_IN_FLIGHT_BYTES); try again later`))
  const checkKey = apiKeyCheck(settings.apiKeys, { scheme: 'Bearer', countRequests: true, log })

  // A session's tool calls are runs of the key that opened it (its concurrent_runs).
  const newSession = async (caller: KeyHolder | undefined): Promise<McpSession> => {
    let session: McpSession | undefined
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessionclosed: (id) => sessions.forget(id),
      keepAliveMs: settings.keepAliveSeconds * 1000,
    })
    const server = serverFromWorkflows(tools, context, config.serverName, {
      signalOf: (id) => session?.signalOf(id),
      enter: () => {
        const leaveKey = caller?.limiter.takeRun()
        try {
          const leave = session!.enter()
          return () => (leave(), leaveKey?.())
        } catch (error) {
          leaveKey?.()
          throw error
        }
      },
    })
    session = new McpSession(server, transport, mcpSettings.callsPerSession)
    await server.connect(transport)
    return session
  }

  const readBody = async (request: Request): Promise<unknown> => {
    if (request.method !== 'POST') return undefined
    const share = bodies.hold()
    try {
      return await readJsonBody(request, { ...settings.body, share })
    } finally {
      share.release()
    }
  }

  const handle = async (request: Request): Promise<Response> => {
    const id = request.headers.get('mcp-session-id')
    const parsedBody = await readBody(request)
    if (id) {
      const session = sessions.get(id)
      if (!session) return rpcError(404, -32001, 'Session not found: it ended or idled out (MC_MCP_SESSION_IDLE_SECONDS); initialize a new one')
      // The calls end when the client leaves, or leaves too much of their answer unread.
      const unread = new AbortController()
      session.noteCalls(parsedBody, AbortSignal.any([request.signal, unread.signal]))
      return boundUnread(await session.transport.handleRequest(request, { parsedBody }), mcpSettings.unreadBytes, () => unread.abort(new Error('the MCP client did not read its answer')))
    }
    if (request.method !== 'POST') return rpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required')
    const place = sessions.reserve()
    let session: McpSession | undefined
    try {
      session = await newSession(callerOf(request))
      const response = await session.transport.handleRequest(request, { parsedBody })
      // Not an initialize request (answered 400 by the transport): no session is opened.
      place.settle(session.transport.sessionId, session)
      return response
    } catch (error) {
      place.settle(undefined, session)
      throw error
    }
  }

  const app = new Elysia()
    .onRequest(({ request }) => {
      if (checkKey && request.method !== 'OPTIONS') return checkKey(request)
    })
    .onError(answerError(log))
    .all(config.basePath, async ({ request, server }) => {
      const response = await handle(request)
      // The body is in: a call's answer streams for as long as its run takes.
      server?.timeout(request, 0)
      return response
    })
  const url = listen(app, 'MCP server ', config.host, config.port, { idleTimeoutSeconds: settings.idleTimeoutSeconds, maxRequestBodySize: Number.MAX_SAFE_INTEGER })
  return {
    url: `${url}${config.basePath === '/' ? '' : config.basePath}`,
    async stop() {
      await sessions.closeAll()
      await app.stop(true)
    },
  }
}
