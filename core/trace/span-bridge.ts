// One tracer's observer (core/observe/): each mc span becomes an OpenTelemetry
// span, made by hand (automatic instrumentation sees neither Bun.serve nor
// Bun's fetch), child of its parent's, so a run's spans share one trace id:
// run → job → component → upstream. Ended spans go to the export queue
// (bounded-export.ts); nothing here waits for the network.

import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span as OtelSpan, type Tracer } from '@opentelemetry/api'
import type { Observer } from '../observe/observers.ts'
import type { Span, SpanEvent } from '../observe/span.ts'
import { endAttributes, spanName, startAttributes } from './span-attributes.ts'
import type { TracerConfig } from '../model/tracer-config.ts'

export class SpanBridge implements Observer {
  /** By the mc span: a child finds its parent's even after the parent ended, and nothing outlives the mc span. */
  private readonly spans = new WeakMap<Span, OtelSpan>()

  constructor(
    private readonly tracer: Tracer,
    private readonly config: TracerConfig,
  ) {}

  onStart(span: Span): void {
    const parent = span.parent && this.spans.get(span.parent)
    const context = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT
    const options = {
      startTime: span.startedAt,
      kind: span.kind === 'upstream' ? SpanKind.CLIENT : SpanKind.INTERNAL,
      attributes: startAttributes(span, this.config),
    }
    this.spans.set(span, this.tracer.startSpan(spanName(span, this.config), options, context))
  }

  onEvent(span: Span, event: SpanEvent): void {
    this.spans.get(span)?.addEvent(event.name, event.at)
  }

  onEnd(span: Span): void {
    const otel = this.spans.get(span)
    if (!otel) return
    otel.setAttributes(endAttributes(span, this.config))
    if (span.status === 'error') otel.setStatus({ code: SpanStatusCode.ERROR, ...(span.error ? { message: span.error } : {}) })
    else if (span.status === 'ok') otel.setStatus({ code: SpanStatusCode.OK })
    otel.end(span.endedAt)
  }
}
