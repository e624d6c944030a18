// The keys of an `http-server` component (SPEC §1 "http-server"): how to start
// and watch the server — mc's `start` / `cwd` / `env`, or model-compose's
// `manage:` scripts (scripts.ts) — plus every request key of http-client
// except the URL, which is http://127.0.0.1:<port><base_path>.

import { Type, type Static } from '@sinclair/typebox'
import { Duration } from '../../core/plugin/api.ts'
import { HttpActionSchema } from '../http-client/schema.ts'
import { manageSchema, scriptKeys, type ManageSettings } from './scripts.ts'

/** model-compose's default port. */
export const DEFAULT_PORT = 8000

const SCRIPTS = ['install', 'build', 'clean', 'start'] as const

export const HttpServerSettingsSchema = Type.Object({
  ...scriptKeys([...SCRIPTS]),
  manage: Type.Optional(manageSchema([...SCRIPTS])),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port number (1-65535)' })),
  base_path: Type.Optional(Type.String()),
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

export type HttpServerSettings = Static<typeof HttpServerSettingsSchema> & ManageSettings

export const HttpServerActionSchema = Type.Object({
  ...Type.Omit(HttpActionSchema, ['endpoint', 'base_url']).properties,
  /** model-compose's wait for a callback or a polled status: refused (index.ts). */
  completion: Type.Optional(Type.Unknown()),
})

export type HttpServerAction = Static<typeof HttpServerActionSchema>
