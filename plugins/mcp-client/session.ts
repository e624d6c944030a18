// One MCP client session with a server (the official SDK's Client over a
// transport: Streamable HTTP, or a managed server's stdio), shared by every
// run of a component. It connects on the first call, within the connect
// timeout; a transport failure drops it, so the next call connects again, and
// a session the HTTP server no longer knows (it restarted) is reopened and the
// call sent once more. A run's cancellation cancels its MCP request (the SDK
// sends notifications/cancelled).

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { excerptOf, HttpError, type Logger, upstreamFailed, upstreamTimedOut } from '../../core/plugin/api.ts'
import { currentCall } from './bounded-fetch.ts'

export interface SessionOptions {
  /** The server, for messages: "MCP server http://..." */
  what: string
  /** The server's URL, for spans (core/observe/: its query and credentials are left out there). */
  url?: string
  /** Makes the transport of a new connection. */
  transport: () => Transport
  connectTimeoutMs: number
  log: Logger
}

export interface ToolCall {
  tool: string
  arguments: Record<string, unknown>
  headers: Record<string, string>
  timeoutMs: number
  signal: AbortSignal
}

/** How long closing waits for the server to end the session. */
const CLOSE_WAIT_MS = 1000

export class McpSession {
  private connection: Promise<Client> | undefined
  /** The client `connection` resolved to, once it has. */
  private client: Client | undefined
  /** What made the transport fail (a message too large, ...): the SDK only says the connection closed. */
  private transportError: Error | undefined
  readonly what: string
  readonly url: string | undefined

  constructor(private readonly options: SessionOptions) {
    this.what = options.what
    this.url = options.url
  }

  async callTool(call: ToolCall): Promise<CallToolResult> {
    for (let attempt = 1; ; attempt++) {
      const client = await untilAborted(this.connected(), call.signal)
      // A reply too large fails the call at once, and cancels it on the server.
      const tooLarge = new AbortController()
      let failed: (error: Error) => void = () => {}
      const failure = new Promise<never>((_, reject) => (failed = reject))
      const fail = (error: Error) => (tooLarge.abort(error), failed(error))
      try {
        const options = { signal: AbortSignal.any([call.signal, tooLarge.signal]), timeout: call.timeoutMs }
        // Within the call's scope, so that the requests it sends carry its headers.
        const request = () => Promise.race([client.callTool({ name: call.tool, arguments: call.arguments }, undefined, options), failure])
        return (await currentCall.run({ headers: call.headers, fail }, request)) as CallToolResult
      } catch (error) {
        if (call.signal.aborted) throw call.signal.reason
        if (tooLarge.signal.aborted) throw tooLarge.signal.reason
        if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed && this.transportError instanceof HttpError) throw this.transportError
        if (error instanceof McpError) {
          if (error.code === ErrorCode.RequestTimeout) throw upstreamTimedOut(`${this.what}: tool "${call.tool}" did not answer within ${call.timeoutMs / 1000} s`)
          throw upstreamFailed(`${this.what}: tool "${call.tool}": ${excerptOf(error.message)}`)
        }
        this.drop(client)
        if (attempt === 1 && error instanceof StreamableHTTPError && error.code === 404) {
          this.options.log.warn(`${this.what} no longer knows the session; connecting again`)
          continue
        }
        throw upstreamFailed(`${this.what}: ${reasonOf(error)}`)
      }
    }
  }

  /** Connects now rather than on the first call; fails as a first call would. */
  async open(): Promise<void> {
    await this.connected()
  }

  /** Ends the session (telling the server, briefly) and closes the connection. */
  async close(): Promise<void> {
    const connection = this.connection
    this.connection = this.client = undefined
    const client = await connection?.catch(() => undefined)
    if (!client) return
    const transport = client.transport
    if (transport instanceof StreamableHTTPClientTransport) await Promise.race([transport.terminateSession().catch(() => {}), Bun.sleep(CLOSE_WAIT_MS)])
    await client.close().catch(() => {})
  }

  private connected(): Promise<Client> {
    this.connection ??= this.connect().catch((error) => {
      this.connection = undefined
      throw error
    })
    return this.connection
  }

  private async connect(): Promise<Client> {
    const { connectTimeoutMs, log } = this.options
    const transport = this.options.transport()
    const client = new Client({ name: 'mc', version: '1.0.0' })
    this.transportError = undefined
    client.onerror = (error) => (this.transportError = error)
    try {
      await client.connect(transport, { timeout: connectTimeoutMs })
    } catch (error) {
      await client.close().catch(() => {})
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        throw upstreamTimedOut(`${this.what} did not finish connecting within ${connectTimeoutMs / 1000} s`)
      }
      throw upstreamFailed(`${this.what}: cannot connect: ${reasonOf(error)}`)
    }
    client.onclose = () => this.drop(client)
    this.client = client
    log.debug(`connected to ${this.what}${transport.sessionId ? ` (session ${transport.sessionId})` : ''}`)
    return client
  }

  /** Forgets a session that failed, so that the next call connects again. */
  private drop(client: Client): void {
    if (this.client !== client) return
    this.connection = this.client = undefined
    void client.close().catch(() => {})
  }
}

/** Waits for a promise, or rejects with the signal's reason as soon as it aborts (the promise goes on for others). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** What went wrong, on one short line. */
function reasonOf(error: unknown): string {
  if (error instanceof HttpError) return error.message
  const message = excerptOf((error instanceof Error ? error.message : String(error)).replace(/^Streamable HTTP error: (Error POSTing to endpoint: )?/, ''))
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0) return `answered HTTP ${error.code}${message ? `: ${message}` : ''}`
  return message || 'the connection failed'
}
