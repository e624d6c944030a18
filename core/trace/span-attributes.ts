// What an mc span says as OpenTelemetry attributes, by driver. Langfuse reads
// its own keys (langfuse.trace.*, langfuse.observation.*: name, input, output,
// level, status message, completion start time); an OTLP collector gets the
// keys model-compose's `otlp` driver sets (model_compose.*). Both get the
// span's ids, its HTTP facts (OpenTelemetry's names), stream figures and time
// to first chunk. Every text is masked as log lines are (secrets.ts).

import type { Attributes } from '@opentelemetry/api'
import type { Span } from '../observe/span.ts'
import { redact } from '../secrets.ts'
import { capturedPayload } from './payload-capture.ts'
import { payloadOf, type PayloadKind } from './payloads.ts'
import type { TracerConfig } from '../model/tracer-config.ts'

/** mc's attribute names → the ones sent (model-compose's, or OpenTelemetry's semantic conventions). */
const RENAMED: Record<string, string> = {
  'workflow.id': 'model_compose.workflow_id',
  'job.id': 'model_compose.job_id',
  'task.id': 'model_compose.task_id',
  'component.id': 'model_compose.component_id',
  'component.type': 'model_compose.component_type',
  'api_key.name': 'mc.api_key.name',
  'http.method': 'http.request.method',
  'http.url': 'url.full',
  'http.status_code': 'http.response.status_code',
}

/** model-compose's span names for its `otlp` driver: `workflow.<id>`, `job.<id>`. */
const OTLP_PREFIX: Record<Span['kind'], string> = { run: 'workflow.', job: 'job.', component: 'component.', upstream: '' }

export function spanName(span: Span, config: TracerConfig): string {
  return config.driver === 'otlp' ? `${OTLP_PREFIX[span.kind]}${span.name}` : span.name
}

export function startAttributes(span: Span, config: TracerConfig): Attributes {
  const out: Attributes = { 'mc.span.kind': span.kind }
  for (const [key, value] of Object.entries(span.attributes)) {
    if (value !== undefined) out[RENAMED[key] ?? key] = typeof value === 'string' ? redact(value) : value
  }
  if (config.driver === 'langfuse') {
    out['langfuse.observation.type'] = 'span'
    if (span.kind === 'run') {
      out['langfuse.trace.name'] = span.name
      out['langfuse.trace.metadata.workflow_id'] = span.name
      const keyName = span.attributes['api_key.name']
      if (keyName !== undefined) out['user.id'] = keyName
    }
  }
  return out
}

/** What is known once the span ended: attributes set on the way, payloads, stream figures, its outcome. */
export function endAttributes(span: Span, config: TracerConfig): Attributes {
  const out = startAttributes(span, config)
  const elapsedMs = (span.endedAt ?? span.startedAt) - span.startedAt
  out['model_compose.elapsed_seconds'] = elapsedMs / 1000
  if (span.chunks > 0) {
    out['model_compose.streaming'] = true
    out['mc.stream.chunks'] = span.chunks
    out['mc.stream.bytes'] = span.bytes
  }
  if (span.firstChunkAt !== undefined) {
    out['mc.time_to_first_chunk_ms'] = span.firstChunkAt - span.startedAt
    if (config.driver === 'langfuse') out['langfuse.observation.completion_start_time'] = new Date(span.firstChunkAt).toISOString()
  }
  if (span.retries > 0) out['mc.retries'] = span.retries
  if (span.status !== undefined) out['mc.status'] = span.status
  addPayload(out, span, 'input', config)
  addPayload(out, span, 'output', config)
  if (config.driver === 'langfuse' && span.status !== 'ok' && span.status !== undefined) {
    out['langfuse.observation.level'] = span.status === 'error' ? 'ERROR' : 'WARNING'
    out['langfuse.observation.status_message'] = span.error ?? span.status
  }
  return out
}

function addPayload(out: Attributes, span: Span, kind: PayloadKind, config: TracerConfig): void {
  if (!config.capture[kind]) return
  const text = capturedPayload(payloadOf(span, kind), config.capture)
  if (text === undefined) return
  if (config.driver === 'otlp') {
    out[`model_compose.${kind}`] = text
    return
  }
  out[`langfuse.observation.${kind}`] = text
  if (span.kind === 'run') out[`langfuse.trace.${kind}`] = text
}
