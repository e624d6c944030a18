// The span the running code is part of, carried by AsyncLocalStorage (beside
// run-scope.ts's call path, which it does not touch): a span started within
// another's work is its child. Without observers nothing is stored or made.

import { AsyncLocalStorage } from 'node:async_hooks'
import { observing } from './observers.ts'
import { RecordingSpan } from './recording-span.ts'
import { NOOP_SPAN, type Span, type SpanAttributes, type SpanKind, type SpanStatus } from './span.ts'

const storage = new AsyncLocalStorage<Span>()

/** The span current here, if any. */
export function currentSpan(): Span | undefined {
  return storage.getStore()
}

/** Starts a span, child of the current one; NOOP_SPAN when nobody observes. End it with `end`. */
export function startSpan(kind: SpanKind, name: string, attributes: SpanAttributes = {}): Span {
  if (!observing()) return NOOP_SPAN
  return new RecordingSpan(kind, name, attributes, storage.getStore())
}

/** Runs `work` with `span` current: the spans it starts are its children. */
export function inSpan<T>(span: Span, work: () => T): T {
  return span.recording ? storage.run(span, work) : work()
}

/**
 * Runs `work` in a new span that ends when the work settles: `ok`, or
 * `cancelled` when `signal` was aborted, else `error`. A result that goes on
 * (a stream) is the caller's to end: use startSpan and inSpan then.
 */
export function spanned<T>(kind: SpanKind, name: string, attributes: SpanAttributes, signal: AbortSignal, work: (span: Span) => Promise<T>): Promise<T> {
  const span = startSpan(kind, name, attributes)
  return span.recording ? observed(span, signal, work) : work(span)
}

async function observed<T>(span: Span, signal: AbortSignal, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    const result = await storage.run(span, () => work(span))
    span.end('ok')
    return result
  } catch (error) {
    span.end(failureStatus(signal), error)
    throw error
  }
}

/** How a span whose work threw ends: `cancelled` when its signal was aborted. */
export function failureStatus(signal: AbortSignal | undefined): SpanStatus {
  return signal?.aborted ? 'cancelled' : 'error'
}
