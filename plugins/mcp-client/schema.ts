// The keys of an `mcp-client` component (model-compose's McpClientComponentConfig
// and McpClientActionConfig): the server's `url` and `headers`, and per action
// the `tool`, its `arguments` and extra `headers` for that call. mc adds the
// timeouts: `connect_timeout` (component) and `timeout` (action).

import { Type, type Static } from '@sinclair/typebox'
import { Duration } from '../../core/plugin/api.ts'

/** How long connecting (the MCP initialize handshake) may take, in seconds. */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10
/** How long one tool call may take, in seconds, progress or not. */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 60
/** model-compose's tool name when an action gives none. */
export const DEFAULT_TOOL = '__workflow__'

const Headers = Type.Record(Type.String(), Type.Unknown())

/** The connection keys, shared with mcp-server (which sets the URL itself). */
export const McpConnectionKeys = {
  headers: Type.Optional(Headers),
  connect_timeout: Type.Optional(Duration),
}

export const McpClientSettingsSchema = Type.Object({
  url: Type.String({ minLength: 1, errorMessage: 'expected the URL of an MCP server (Streamable HTTP), e.g. http://localhost:8080/mcp' }),
  ...McpConnectionKeys,
})

export type McpClientSettings = Static<typeof McpClientSettingsSchema>

export const McpToolActionSchema = Type.Object({
  tool: Type.Optional(Type.String({ minLength: 1 })),
  arguments: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { errorMessage: 'expected the tool\'s arguments as a mapping of names to values' })),
  headers: Type.Optional(Headers),
  timeout: Type.Optional(Duration),
})

export type McpToolAction = Static<typeof McpToolActionSchema>
