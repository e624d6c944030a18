// Pass 6a (part): the `mcp-server` adapter, moved to `controller.mcp` by
// normalize/controller.ts, checked under the key it was written at → the
// McpServerConfig core/mcp/ serves. Defaults are model-compose's: 127.0.0.1,
// port 8080, the MCP endpoint at `base_path` or `/`.

import type { McpServerConfig } from '../../model/compose-model.ts'
import type { Doc } from '../../model/doc.ts'
import { mcpPathOf } from '../normalize/controller.ts'
import { McpServerSchema } from './mcp-server-schema.ts'
import { validate } from './validate.ts'

export function mcpServerOf(given: Doc): McpServerConfig {
  const path = mcpPathOf(given)
  // A root holding only the adapter at that path: places come from the adapter itself.
  const root = path.reduceRight<unknown>((inner, step) => (typeof step === 'number' ? Object.assign([], { [step]: inner }) : { [step]: inner }), given)
  const raw = validate<Doc>(McpServerSchema, given, root, path)
  const basePath = String(raw.base_path ?? '/').trim().replace(/\/+$/, '')
  return {
    transport: (raw.transport as 'http' | 'stdio') ?? 'http',
    host: (raw.host as string) ?? '127.0.0.1',
    port: (raw.port as number) ?? 8080,
    basePath: basePath === '' ? '/' : basePath.startsWith('/') ? basePath : `/${basePath}`,
    serverName: (raw.server_name as string) ?? 'mc',
  }
}
