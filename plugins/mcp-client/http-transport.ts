// The SDK's Streamable HTTP client transport to a server's URL, with the
// component's headers on every request and mc's fetch (bounded-fetch.ts).

import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { BodyLimits } from '../../core/plugin/api.ts'
import { boundedFetch } from './bounded-fetch.ts'

/** "MCP server http://host:port/path", for messages (no query: it may carry keys). */
export function describeServer(url: string): string {
  return `MCP server ${url.split('?')[0]}`
}

/** A new transport for each connection: the SDK's cannot be restarted. */
export function streamableHttp(url: string, headers: Record<string, string>, limits: BodyLimits): () => Transport {
  return () => new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers }, fetch: boundedFetch(limits, describeServer(url)) })
}
