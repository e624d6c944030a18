// The keys of an `http-server` component (SPEC §1 "http-server"): how to start
// and watch the server, plus every request key of http-client except the URL.

import { Type, type Static } from '@sinclair/typebox'
import { Duration } from '../../core/compose/duration.ts'
import { HttpActionSchema } from '../http-client/schema.ts'

export const HttpServerSettingsSchema = Type.Object({
  start: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })], {
    errorMessage: 'expected a command: text, or a list of arguments',
  }),
  port: Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port number (1-65535)' }),
  healthcheck: Type.Optional(
    Type.Object(
      {
        path: Type.Optional(Type.String()),
        interval: Type.Optional(Duration),
        timeout: Type.Optional(Duration),
        max_retry_count: Type.Optional(Type.Integer({ minimum: 1 })),
        start_period: Type.Optional(Duration),
      },
      { additionalProperties: false },
    ),
  ),
  cwd: Type.Optional(Type.String()),
  env: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
})

export type HttpServerSettings = Static<typeof HttpServerSettingsSchema>

export const HttpServerActionSchema = Type.Omit(HttpActionSchema, ['endpoint', 'base_url'])

export type HttpServerAction = Static<typeof HttpServerActionSchema>
