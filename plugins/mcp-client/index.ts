// The `mcp-client` component: calls a tool of an MCP server reached by URL
// over Streamable HTTP (model-compose's only transport), with the component's
// headers on every request and an action's own on its call. One session is
// shared by all runs and closed when mc stops (session.ts); `${response}` is
// the list of the result's content blocks as values (call.ts).

import { bodyLimitsOf, ConfigurationError, defineComponentPlugin, toMilliseconds } from '../../core/plugin/api.ts'
import { runToolAction } from './call.ts'
import { headersOf, registerUrlCredentials } from './credentials.ts'
import { describeServer, streamableHttp } from './http-transport.ts'
import { DEFAULT_CONNECT_TIMEOUT_SECONDS, McpClientSettingsSchema, McpToolActionSchema, type McpClientSettings, type McpToolAction } from './schema.ts'
import { McpSession } from './session.ts'

const mcpClientPlugin = defineComponentPlugin<McpClientSettings, McpToolAction>({
  type: 'mcp-client',
  settings: McpClientSettingsSchema,
  action: McpToolActionSchema,
  defaultOutput: '${response}',
  checkSettings(settings) {
    if (settings.url.includes('${')) return // read from the environment: checked when it connects
    const scheme = URL.canParse(settings.url) ? new URL(settings.url).protocol : undefined
    if (scheme !== 'http:' && scheme !== 'https:') {
      throw new ConfigurationError('expected an http:// or https:// URL: mc, like model-compose, reaches MCP servers over Streamable HTTP', ['url'])
    }
  },
  create(settings, { env, log }) {
    registerUrlCredentials(settings.url)
    const session = new McpSession({
      what: describeServer(settings.url),
      url: settings.url,
      transport: streamableHttp(settings.url, headersOf(settings.headers), bodyLimitsOf(env)),
      connectTimeoutMs: toMilliseconds(settings.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_SECONDS),
      log,
    })
    return {
      stop: () => session.close(),
      run: (action, { signal }) => runToolAction(session, action, signal),
    }
  },
})

export default mcpClientPlugin
