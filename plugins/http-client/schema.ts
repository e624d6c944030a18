// The keys of an http-client action (SPEC §1 "http-client"), and of the
// component itself: its `rate_limit` (rate-limit.ts).

import { Type, type Static } from '@sinclair/typebox'
import { Duration } from '../../core/plugin/api.ts'
import { RateLimitSchema } from './rate-limit.ts'

export const HttpClientSettingsSchema = Type.Object({
  rate_limit: Type.Optional(RateLimitSchema),
})

export type HttpClientSettings = Static<typeof HttpClientSettingsSchema>

export const HttpActionSchema = Type.Object({
  endpoint: Type.Optional(Type.String()),
  base_url: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
  method: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$|\\$\\{', errorMessage: 'expected an HTTP method such as GET or POST' })),
  headers: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  body: Type.Optional(Type.Unknown()),
  stream_format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('text')], { errorMessage: 'expected "json" or "text"' })),
  timeout: Type.Optional(Duration),
  max_retries: Type.Optional(Type.Integer({ minimum: 0, errorMessage: 'expected a whole number, 0 or more' })),
  retry_delay: Type.Optional(Duration),
})

export type HttpAction = Static<typeof HttpActionSchema>

export const DEFAULT_TIMEOUT_SECONDS = 60
