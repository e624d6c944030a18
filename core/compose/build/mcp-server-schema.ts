// The keys of model-compose's `mcp-server` adapter (0.4.92's
// dsl/schema/controller/adapter/impl/mcp_server.py and common.py): where it
// listens and which transport it speaks.

import { Type } from '@sinclair/typebox'

export const McpServerSchema = Type.Object(
  {
    type: Type.Literal('mcp-server'),
    transport: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('stdio')], { errorMessage: 'expected "http" or "stdio"' })),
    host: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port number (1-65535)' })),
    base_path: Type.Optional(Type.String()),
    /** The controller's `name`, put here by normalize/controller.ts. */
    server_name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
