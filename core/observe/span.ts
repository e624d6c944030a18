// One span: a run, a job, a component call or an upstream request, from its
// start to its end. It holds what observers read (kind, name, attributes,
// times, status) and a few counters that hot paths bump without allocating:
// streamed chunks and their bytes, retries. Observers (observers.ts) are told
// of its start, its events and its end; with none, spans are not made at all
// (NOOP_SPAN stands in), so an unobserved run pays one boolean test a call.

export type SpanKind = 'run' | 'job' | 'component' | 'upstream'

/** `cancelled`: the client went, or a cancel was asked; not the run's own failure. */
export type SpanStatus = 'ok' | 'error' | 'cancelled'

export type AttributeValue = string | number | boolean

/**
 * What a span is about. The named keys are the ones mc sets; observers may
 * read others a plugin sets. Values come from the compose file (ids) or from
 * mc itself, never from a client's request: they are safe as metric labels.
 */
export interface SpanAttributes {
  'workflow.id'?: string
  'job.id'?: string
  /** The job a routing job (if, switch, random-router) chose: a job id of the compose file. */
  'job.next_job_id'?: string
  /** The parallel runs of a component job (repeat_count), when more than one. */
  'job.run_count'?: number
  'component.id'?: string
  'component.type'?: string
  'task.id'?: string
  /** The run's task could not be created (the task store refused it): the run never began. */
  'task.refused'?: boolean
  /** The NAME of the API key the run came in with (never the key). */
  'api_key.name'?: string
  'http.method'?: string
  /** An upstream's URL; may hold secrets in its query: mask (core/secrets.ts redact) before it leaves mc. */
  'http.url'?: string
  'http.status_code'?: number
  [key: string]: AttributeValue | undefined
}

/** `first_chunk`: the first streamed chunk passed; `retry`: an attempt failed and another follows; `stream`: the run's output began to stream. */
export type SpanEventName = 'first_chunk' | 'retry' | 'stream'

export interface SpanEvent {
  readonly name: SpanEventName
  /** Epoch milliseconds (fractional). */
  readonly at: number
  readonly attributes?: SpanAttributes
}

export interface Span {
  /** Unique in this process; 0 for NOOP_SPAN. */
  readonly id: number
  readonly kind: SpanKind
  readonly name: string
  /** The span current where this one started (current-span.ts). */
  readonly parent: Span | undefined
  readonly attributes: SpanAttributes
  /** False for NOOP_SPAN: nothing it is told is kept. */
  readonly recording: boolean
  /** Epoch milliseconds (fractional), as `performance.timeOrigin + performance.now()`. */
  readonly startedAt: number
  readonly endedAt: number | undefined
  readonly firstChunkAt: number | undefined
  readonly status: SpanStatus | undefined
  /** The error's message (secrets masked by messageOf), when it ended with one. */
  readonly error: string | undefined
  /** Streamed chunks counted on it, and their UTF-8 bytes. */
  readonly chunks: number
  readonly bytes: number
  readonly retries: number
  set(key: string, value: AttributeValue): void
  event(name: SpanEventName, attributes?: SpanAttributes): void
  /** Counts one streamed chunk (its text, or its size in bytes); the first one is a `first_chunk` event. */
  chunk(data: string | number): void
  /** Ends it once; later calls are ignored. */
  end(status?: SpanStatus, error?: unknown): void
}

/** Milliseconds since the epoch, to the fraction. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

/** Seconds a span lasted (to now, while it runs). */
export function durationSeconds(span: Span): number {
  return ((span.endedAt ?? nowMs()) - span.startedAt) / 1000
}

/** What stands in for a span nobody observes. */
export const NOOP_SPAN: Span = Object.freeze({
  id: 0,
  kind: 'run' as const,
  name: '',
  parent: undefined,
  attributes: Object.freeze({}) as SpanAttributes,
  recording: false,
  startedAt: 0,
  endedAt: undefined,
  firstChunkAt: undefined,
  status: undefined,
  error: undefined,
  chunks: 0,
  bytes: 0,
  retries: 0,
  set() {},
  event() {},
  chunk() {},
  end() {},
})
