// A tracer as the compose file's `tracer:` / `tracers:` section (or the
// standard OTEL_EXPORTER_OTLP_* variables) gives it, resolved to what an OTLP/
// HTTP exporter needs: where to send, with which headers, and what of a run's
// payloads may leave mc.

/** `langfuse`: Langfuse's OpenTelemetry endpoint; `otlp`: any OTLP/HTTP collector. */
export type TracerDriver = 'langfuse' | 'otlp'

export interface CaptureConfig {
  input: boolean
  output: boolean
  /** Keys (lower-cased) whose values become "[redacted]", at any depth. */
  redactKeys: ReadonlySet<string>
  /** A payload over this many UTF-8 bytes (as JSON) becomes "[truncated]". */
  maxPayloadBytes: number
}

export interface TracerConfig {
  driver: TracerDriver
  /** The full URL spans are POSTed to (`…/v1/traces`). */
  endpoint: string
  /** Sent with every export; values are registered as secrets. */
  headers: Record<string, string>
  /** OpenTelemetry's `service.name`. */
  serviceName: string
  capture: CaptureConfig
  /** How long one export may take before it is given up (its spans counted as dropped). */
  timeoutMs: number
  /** Where it came from, for logs: `tracers[0]`, `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  source: string
}

/** model-compose's `service_name` default. */
export const DEFAULT_SERVICE_NAME = 'model-compose'

/** mc's own ceiling when `max_payload_bytes` is not set (model-compose has none): a payload attribute is held in memory until exported. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024

/** model-compose's `timeout` default: 30 seconds. */
export const DEFAULT_TIMEOUT_MS = 30_000
