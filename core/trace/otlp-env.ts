// The standard OpenTelemetry variables (as every OTel SDK reads them) turn on
// an `otlp` tracer without touching the compose file:
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT
// (`/v1/traces` appended), OTEL_EXPORTER_OTLP_[TRACES_]HEADERS (`k=v,k2=v2`,
// values URL-encoded), OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT (milliseconds),
// OTEL_SERVICE_NAME. OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn it off.

import { countSetting } from '../settings.ts'
import { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_SERVICE_NAME, DEFAULT_TIMEOUT_MS, type TracerConfig } from '../model/tracer-config.ts'

type Env = Readonly<Record<string, string | undefined>>

/** The tracer the environment asks for, if any; a bad value throws naming the variable. */
export function tracerFromEnv(env: Env): TracerConfig | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return undefined
  const endpoint = endpointOf(env)
  if (!endpoint) return undefined
  const protocolName = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL'
  const protocol = env[protocolName]?.trim()
  if (protocol && !protocol.startsWith('http/')) throw new Error(`${protocolName}: mc sends OTLP over HTTP (as JSON), not "${protocol}"; use http/json or http/protobuf, or unset it`)
  const timeoutName = env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ? 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT' : 'OTEL_EXPORTER_OTLP_TIMEOUT'
  return {
    driver: 'otlp',
    endpoint: endpoint.url,
    headers: { ...headersOf(env, 'OTEL_EXPORTER_OTLP_HEADERS'), ...headersOf(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS') },
    serviceName: env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
    capture: { input: true, output: true, redactKeys: new Set(), maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES },
    timeoutMs: countSetting(env, timeoutName, DEFAULT_TIMEOUT_MS),
    source: endpoint.variable,
  }
}

function endpointOf(env: Env): { url: string; variable: string } | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
  if (traces) return { url: checkedUrl(traces, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' }
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  if (!base) return undefined
  const url = `${checkedUrl(base, 'OTEL_EXPORTER_OTLP_ENDPOINT').replace(/\/+$/, '')}/v1/traces`
  return { url, variable: 'OTEL_EXPORTER_OTLP_ENDPOINT' }
}

function checkedUrl(text: string, name: string): string {
  if (!/^https?:\/\/[^/\s]/i.test(text) || !URL.canParse(text)) throw new Error(`${name}: expected an http:// or https:// URL, got "${text}"`)
  return text
}

/** `k=v,k2=v2` (W3C baggage-like, values URL-encoded) as headers. */
function headersOf(env: Env, name: string): Record<string, string> {
  const text = env[name]?.trim()
  if (!text) return {}
  const headers: Record<string, string> = {}
  for (const pair of text.split(',')) {
    if (!pair.trim()) continue
    const at = pair.indexOf('=')
    const key = at > 0 ? pair.slice(0, at).trim() : ''
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw new Error(`${name}: expected name=value pairs separated by commas`)
    headers[key] = decodeValue(pair.slice(at + 1).trim(), name)
  }
  return headers
}

function decodeValue(value: string, name: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw new Error(`${name}: a value is not URL-encoded properly`)
  }
}
