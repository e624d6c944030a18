// The keys of an `mcp-server` component (model-compose's McpServerComponentConfig):
// the `manage:` scripts that install, build, start and clean the server (or
// the same keys directly on the component), the `port` it listens on and the
// `base_path` of its MCP endpoint — mc calls http://127.0.0.1:<port><base_path>
// — and the mcp-client connection keys. An action is an mcp-client action.
// mc adds `transport: stdio` (the values of model-compose's mcp-server
// controller adapter): the server speaks MCP on its stdin and stdout instead.

import { Type, type Static } from '@sinclair/typebox'
import { manageSchema, scriptKeys, type ManageSettings } from '../http-server/scripts.ts'
import { McpConnectionKeys } from '../mcp-client/schema.ts'

/** model-compose's default port. */
export const DEFAULT_PORT = 8000

const SCRIPTS = ['install', 'build', 'clean', 'start'] as const

export const McpServerSettingsSchema = Type.Object({
  ...scriptKeys([...SCRIPTS]),
  manage: Type.Optional(manageSchema([...SCRIPTS])),
  transport: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('stdio')], { errorMessage: 'expected "http" (the default) or "stdio"' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port number (1-65535)' })),
  base_path: Type.Optional(Type.String()),
  ...McpConnectionKeys,
})

export type McpServerSettings = Static<typeof McpServerSettingsSchema> & ManageSettings

/** The keys that only mean something over HTTP. */
export const HTTP_ONLY_KEYS = ['port', 'base_path', 'headers'] as const
