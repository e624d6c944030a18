// Pass 6c: the validated `tracers:` (normalize/sections.ts made one list of
// `tracer:` and `tracers:`) → TracerConfig, each with the URL and headers its
// exporter sends to; plus the `otlp` tracer the standard OTEL_EXPORTER_OTLP_*
// variables ask for. Credentials are registered as secrets here, before any
// log line could carry them.

import { formatKeyPath } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import type { Doc, Path } from '../../model/doc.ts'
import { placeOf } from '../../model/places.ts'
import { isCredentialName, registerSecret } from '../../secrets.ts'
import { tracerFromEnv } from '../../trace/otlp-env.ts'
import { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_SERVICE_NAME, DEFAULT_TIMEOUT_MS, type CaptureConfig, type TracerConfig } from '../../model/tracer-config.ts'
import { LangfuseTracerSchema, OtlpTracerSchema, TracerDriverSchema } from './tracer-schema.ts'
import { validate } from './validate.ts'

/** Langfuse's OpenTelemetry (OTLP/HTTP) endpoint, under its base URL. */
const LANGFUSE_OTLP_PATH = '/api/public/otel/v1/traces'

export function buildTracers(doc: Doc, env: Record<string, string | undefined>): TracerConfig[] {
  const list = (doc.tracers ?? []) as Doc[]
  const tracers = list.map((raw, i) => buildTracer(raw, doc, ['tracers', i]))
  const fromEnv = tracerFromEnv(env)
  if (fromEnv) {
    for (const [name, value] of Object.entries(fromEnv.headers)) if (isCredentialName(name)) registerSecret(value)
    tracers.push(fromEnv)
  }
  return tracers
}

function buildTracer(raw: Doc, root: Doc, path: Path): TracerConfig {
  const { driver } = validate<Doc>(TracerDriverSchema, raw, root, path)
  const source = formatKeyPath(path)
  if (driver === 'langfuse') {
    const tracer = validate<Doc>(LangfuseTracerSchema, raw, root, path)
    if (tracer.url !== undefined && tracer.host !== undefined) {
      throw new ComposeError('use either "url" or "host" (with port and secure), not both', placeOf(raw, 'host', 'key'), formatKeyPath([...path, 'host']))
    }
    const credentials = Buffer.from(`${tracer.public_key}:${tracer.secret_key}`).toString('base64')
    registerSecret(tracer.secret_key as string)
    registerSecret(credentials)
    return {
      driver: 'langfuse',
      endpoint: `${langfuseBaseUrl(tracer)}${LANGFUSE_OTLP_PATH}`,
      headers: { Authorization: `Basic ${credentials}` },
      serviceName: DEFAULT_SERVICE_NAME,
      ...commonOf(tracer),
      source,
    }
  }
  const tracer = validate<Doc>(OtlpTracerSchema, raw, root, path)
  if (tracer.protocol === 'grpc') {
    throw new ComposeError('mc sends OTLP over HTTP only: use protocol: http and the collector\'s HTTP endpoint (…:4318/v1/traces)', placeOf(raw, 'protocol'), formatKeyPath([...path, 'protocol']))
  }
  const headers = (tracer.headers ?? {}) as Record<string, string>
  for (const [name, value] of Object.entries(headers)) if (isCredentialName(name)) registerSecret(value)
  return {
    driver: 'otlp',
    endpoint: tracer.endpoint as string,
    headers,
    serviceName: (tracer.service_name as string | undefined) ?? DEFAULT_SERVICE_NAME,
    ...commonOf(tracer),
    source,
  }
}

/** As model-compose's `_resolve_base_url`: `url`, else `host`, `port` and `secure` (https://cloud.langfuse.com by default). */
function langfuseBaseUrl(tracer: Doc): string {
  if (typeof tracer.url === 'string') return tracer.url.replace(/\/+$/, '')
  const secure = tracer.secure !== false
  const host = (tracer.host as string | undefined) ?? 'cloud.langfuse.com'
  const port = (tracer.port as number | undefined) ?? 443
  const scheme = secure ? 'https' : 'http'
  return port === (secure ? 443 : 80) ? `${scheme}://${host}` : `${scheme}://${host}:${port}`
}

function commonOf(tracer: Doc): { capture: CaptureConfig; timeoutMs: number } {
  const capture = (tracer.capture ?? {}) as Doc
  return {
    capture: {
      input: capture.input !== false,
      output: capture.output !== false,
      redactKeys: new Set(((capture.redact_keys ?? []) as string[]).map((key) => key.toLowerCase())),
      maxPayloadBytes: (capture.max_payload_bytes as number | undefined) ?? DEFAULT_MAX_PAYLOAD_BYTES,
    },
    timeoutMs: tracer.timeout === undefined ? DEFAULT_TIMEOUT_MS : Math.round((tracer.timeout as number) * 1000),
  }
}
