// The `http-client` component: calls an HTTP API; `${response}` is the parsed
// body, or a stream of chunks for SSE and `stream_format` bodies. How much of a
// body it holds comes from the component's environment (MC_MAX_CHUNK_BYTES,
// MC_MAX_RESPONSE_BYTES), so `-e` and --env-file set it.

import { bodyLimitsOf, defineComponentPlugin } from '../../core/plugin/api.ts'
import { exchange } from './exchange.ts'
import { prepareRequest } from './request.ts'
import { HttpActionSchema, type HttpAction } from './schema.ts'

const httpClientPlugin = defineComponentPlugin<Record<string, never>, HttpAction>({
  type: 'http-client',
  action: HttpActionSchema,
  defaultOutput: '${response}',
  checkAction(action) {
    if (action.endpoint === undefined && action.base_url === undefined) throw new Error('needs "endpoint", or "base_url" and "path"')
    if (action.endpoint !== undefined && action.base_url !== undefined) throw new Error('give either "endpoint" or "base_url", not both')
  },
  create(_settings, { env }) {
    const limits = bodyLimitsOf(env)
    return {
      async run(action, { signal, log }) {
        return { response: await exchange(prepareRequest(action), signal, log, limits) }
      },
    }
  },
})

export default httpClientPlugin
