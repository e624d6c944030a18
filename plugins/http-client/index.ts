// The `http-client` component: calls an HTTP API; `${response}` is the parsed
// body, or a stream of chunks for SSE and `stream_format` bodies. How much of a
// body it holds comes from the component's environment (MC_MAX_CHUNK_BYTES,
// MC_MAX_RESPONSE_BYTES), so `-e` and --env-file set it. A `rate_limit` holds
// each run until its turn (rate-limit.ts), retries included in that one turn.

import { bodyLimitsOf, defineComponentPlugin } from '../../core/plugin/api.ts'
import { exchange } from './exchange.ts'
import { prepareRequest } from './request.ts'
import { RateLimiter, rateLimitOf } from './rate-limit.ts'
import { HttpActionSchema, HttpClientSettingsSchema, type HttpAction, type HttpClientSettings } from './schema.ts'

const httpClientPlugin = defineComponentPlugin<HttpClientSettings, HttpAction>({
  type: 'http-client',
  settings: HttpClientSettingsSchema,
  action: HttpActionSchema,
  defaultOutput: '${response}',
  checkSettings(settings) {
    if (settings.rate_limit !== undefined) rateLimitOf(settings.rate_limit)
  },
  checkAction(action) {
    if (action.endpoint === undefined && action.base_url === undefined) throw new Error('needs "endpoint", or "base_url" and "path"')
    if (action.endpoint !== undefined && action.base_url !== undefined) throw new Error('give either "endpoint" or "base_url", not both')
  },
  create(settings, { id, env }) {
    const limits = bodyLimitsOf(env)
    const limiter = settings.rate_limit === undefined ? undefined : new RateLimiter(rateLimitOf(settings.rate_limit), `component "${id}"`)
    return {
      async run(action, { signal, log }) {
        const request = prepareRequest(action)
        await limiter?.acquire(signal)
        return { response: await exchange(request, signal, log, limits) }
      },
    }
  },
})

export default httpClientPlugin
