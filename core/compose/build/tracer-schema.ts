// TypeBox schemas of model-compose 0.4.92's tracers (dsl/schema/tracer/):
// `langfuse` and `otlp`, with the keys they share (`capture`, `timeout`).

import { Type } from '@sinclair/typebox'

const Port = Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port number (1-65535)' })
const HttpUrl = Type.String({ pattern: '^https?://[^/\\s]', errorMessage: 'expected an http:// or https:// URL' })

/** The key every tracer has, checked first: its driver says which schema the rest follows. */
export const TracerDriverSchema = Type.Object(
  { driver: Type.Union([Type.Literal('langfuse'), Type.Literal('otlp')], { errorMessage: 'expected "langfuse" or "otlp"' }) },
  { additionalProperties: true },
)

const CaptureSchema = Type.Object(
  {
    input: Type.Optional(Type.Boolean()),
    output: Type.Optional(Type.Boolean()),
    redact_keys: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { errorMessage: 'expected a list of key names' })),
    max_payload_bytes: Type.Optional(Type.Integer({ minimum: 1, errorMessage: 'expected a number of bytes above 0' })),
  },
  { additionalProperties: false },
)

const common = {
  capture: Type.Optional(CaptureSchema),
  /** Seconds, as model-compose's integer. */
  timeout: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600, errorMessage: 'expected a number of seconds above 0 (at most 3600)' })),
}

export const LangfuseTracerSchema = Type.Object(
  {
    driver: Type.Literal('langfuse'),
    public_key: Type.String({ minLength: 1, errorMessage: 'expected the Langfuse public key' }),
    secret_key: Type.String({ minLength: 1, errorMessage: 'expected the Langfuse secret key' }),
    url: Type.Optional(HttpUrl),
    host: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Port),
    secure: Type.Optional(Type.Boolean()),
    ...common,
  },
  { additionalProperties: false },
)

export const OtlpTracerSchema = Type.Object(
  {
    driver: Type.Literal('otlp'),
    endpoint: HttpUrl,
    protocol: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('grpc')], { errorMessage: 'expected "http"' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { errorMessage: 'expected a map of header names to text' })),
    /** gRPC only in model-compose: accepted and without effect over HTTP. */
    insecure: Type.Optional(Type.Boolean()),
    service_name: Type.Optional(Type.String({ minLength: 1 })),
    ...common,
  },
  { additionalProperties: false },
)
