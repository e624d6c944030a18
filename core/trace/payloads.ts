// The input and output of a span (a run's, a job's, a component call's), kept
// for tracers that capture them (`capture.input` / `capture.output`). Spans
// carry only short attributes; a payload is a value of any size, so it waits
// here, beside its span, until the span ends and a tracer reads it. Nothing is
// kept unless a tracer wants payloads.

import type { Span } from '../observe/span.ts'

export type PayloadKind = 'input' | 'output'

interface Payloads {
  input?: unknown
  output?: unknown
}

const payloads = new WeakMap<Span, Payloads>()

let wanted = 0

/** A tracer that captures payloads is on; returns its removal. */
export function wantPayloads(): () => void {
  wanted++
  return () => void wanted--
}

/** Notes `span`'s input or output (a no-op unless a tracer captures payloads). */
export function notePayload(span: Span | undefined, kind: PayloadKind, value: unknown): void {
  if (wanted === 0 || !span?.recording) return
  const kept = payloads.get(span)
  if (kept) kept[kind] = value
  else payloads.set(span, { [kind]: value })
}

/** What was noted of `span`. */
export function payloadOf(span: Span, kind: PayloadKind): unknown {
  return payloads.get(span)?.[kind]
}
