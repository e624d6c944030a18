// An MCP transport over a server process's stdio: JSON-RPC messages one a line
// (the MCP stdio framing), written to its stdin and read from its stdout. A
// line longer than MC_MAX_RESPONSE_BYTES ends the transport with an error
// saying so; stdout closing (the process ended) closes it.

import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { type ChunkLimit, excerptOf, linesOf } from '../../core/plugin/api.ts'

export class StdioTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void
  private closed = false

  constructor(
    private readonly output: ReadableStream<Uint8Array>,
    private readonly write: (text: string) => Promise<void>,
    private readonly limit: ChunkLimit,
  ) {}

  async start(): Promise<void> {
    void this.read()
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the server\'s stdio is closed')
    await this.write(`${JSON.stringify(message)}\n`)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.onclose?.()
  }

  private async read(): Promise<void> {
    try {
      for await (const line of linesOf(this.output, this.limit)) {
        if (this.closed) return
        if (!line.trim()) continue
        let message: JSONRPCMessage
        try {
          message = JSONRPCMessageSchema.parse(JSON.parse(line))
        } catch {
          this.onerror?.(new Error(`the server wrote a line on stdout that is not an MCP message: ${excerptOf(line, 120)}`))
          continue
        }
        this.onmessage?.(message)
      }
    } catch (error) {
      this.onerror?.(error as Error)
    }
    await this.close()
  }
}
