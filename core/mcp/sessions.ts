// The Streamable HTTP sessions of the MCP server, bounded: at most
// MC_MCP_MAX_SESSIONS at once (counting those being opened), each closed once
// it has had no request and no call in progress for MC_MCP_SESSION_IDLE_SECONDS,
// and each running at most MC_MCP_CALLS_PER_SESSION tool calls at once.

import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { busy } from '../errors.ts'
import type { McpSettings } from './mcp-settings.ts'

export class McpSession {
  lastSeen = performance.now()
  private calls = 0
  /** The HTTP request each tool call came in, by JSON-RPC id, until its handler takes it. */
  private readonly requestSignals = new Map<string | number, AbortSignal>()

  constructor(
    readonly server: Server,
    readonly transport: WebStandardStreamableHTTPServerTransport,
    private readonly maxCalls: number,
  ) {}

  get busy(): boolean {
    return this.calls > 0
  }

  /** Remembers which request carried each tool call of a body (a JSON-RPC message or a batch). */
  noteCalls(body: unknown, signal: AbortSignal): void {
    for (const message of Array.isArray(body) ? body : [body]) {
      const { method, id } = (message ?? {}) as { method?: unknown; id?: unknown }
      if (method === 'tools/call' && (typeof id === 'string' || typeof id === 'number') && this.requestSignals.size < this.maxCalls * 2) this.requestSignals.set(id, signal)
    }
  }

  signalOf(id: string | number): AbortSignal | undefined {
    const signal = this.requestSignals.get(id)
    this.requestSignals.delete(id)
    return signal
  }

  enter(): () => void {
    if (this.calls >= this.maxCalls) throw busy(`mc is busy: this MCP session has ${this.maxCalls} tool calls in progress, its limit (MC_MCP_CALLS_PER_SESSION); try again later`)
    this.calls++
    let left = false
    return () => {
      if (left) return
      left = true
      this.calls--
      this.lastSeen = performance.now()
    }
  }

  async close(): Promise<void> {
    this.requestSignals.clear()
    // Closing the transport aborts the calls in progress (their runs are cancelled).
    await this.transport.close().catch(() => {})
    await this.server.close().catch(() => {})
  }
}

export class McpSessions {
  private readonly open = new Map<string, McpSession>()
  private opening = 0
  private readonly sweeper: Timer

  constructor(private readonly settings: McpSettings) {
    const idleMs = settings.sessionIdleSeconds * 1000
    this.sweeper = setInterval(() => this.sweep(idleMs), Math.min(idleMs / 4, 30_000))
    this.sweeper.unref()
  }

  get(id: string): McpSession | undefined {
    const session = this.open.get(id)
    if (session) session.lastSeen = performance.now()
    return session
  }

  /** A place for a session being opened, or 503 when there is none; `settle` with its id once known (or none). */
  reserve(): { settle(id: string | undefined, session: McpSession | undefined): void } {
    const max = this.settings.maxSessions
    if (this.open.size + this.opening >= max) throw busy(`mc is busy: ${max} MCP sessions are open, its limit (MC_MCP_MAX_SESSIONS); try again later`)
    this.opening++
    return {
      settle: (id, session) => {
        this.opening--
        if (id !== undefined && session) this.open.set(id, session)
        else void session?.close()
      },
    }
  }

  forget(id: string): void {
    this.open.delete(id)
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper)
    const sessions = [...this.open.values()]
    this.open.clear()
    await Promise.allSettled(sessions.map((s) => s.close()))
  }

  private sweep(idleMs: number): void {
    const now = performance.now()
    for (const [id, session] of this.open) {
      if (session.busy || now - session.lastSeen < idleMs) continue
      this.open.delete(id)
      void session.close()
    }
  }
}
