// The export path of one tracer: a BatchSpanProcessor (spans wait in a queue
// and go in batches, off the run's path) in front of the OTLP/HTTP exporter.
// The queue is bounded in spans and in the bytes of their texts (payloads may
// be large): a span that finds it full is dropped and counted, so a backend
// that is down or slow costs memory up to the bound and never time on a run.
// What is in the queue is counted here (spans in, spans handed to the
// exporter), since the processor keeps its own count private.

import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { Context } from '@opentelemetry/api'
import type { Span as SdkSpan } from '@opentelemetry/sdk-trace-base'

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0]

/** @opentelemetry/core's ExportResultCode.SUCCESS (core is not a dependency of mc's own). */
const SUCCESS = 0

export interface QueueLimits {
  /** Spans waiting to be sent, at most (OTEL_BSP_MAX_QUEUE_SIZE). */
  maxQueueSize: number
  /** The texts of the spans waiting, at most this many UTF-16 units (MC_TRACE_QUEUE_BYTES). */
  maxQueueBytes: number
  /** Spans in one export, at most (OTEL_BSP_MAX_EXPORT_BATCH_SIZE). */
  maxBatchSize: number
  /** How long a span may wait for others to fill a batch (OTEL_BSP_SCHEDULE_DELAY). */
  delayMs: number
  /** How long one export may take. */
  timeoutMs: number
}

/** Tells `onFailure` of the first failure after a success (and `onRecovery` of the success after it), not of each one; `onDropped` of every span lost. */
export interface ExportReport {
  onDropped(count: number): void
  onFailure(spans: number, error: Error | undefined): void
  onRecovery(): void
}

export class BoundedSpanProcessor implements SpanProcessor {
  private queued = 0
  private queuedBytes = 0
  private readonly batch: BatchSpanProcessor

  constructor(
    exporter: SpanExporter,
    private readonly limits: QueueLimits,
    private readonly report: ExportReport,
  ) {
    const counting = new CountingExporter(exporter, (spans) => this.left(spans), report)
    this.batch = new BatchSpanProcessor(counting, {
      maxQueueSize: limits.maxQueueSize,
      maxExportBatchSize: Math.min(limits.maxBatchSize, limits.maxQueueSize),
      scheduledDelayMillis: limits.delayMs,
      exportTimeoutMillis: limits.timeoutMs,
    })
  }

  onStart(_span: SdkSpan, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    const bytes = textSizeOf(span)
    if (this.queued >= this.limits.maxQueueSize || this.queuedBytes + bytes > this.limits.maxQueueBytes) return this.report.onDropped(1)
    this.queued++
    this.queuedBytes += bytes
    this.batch.onEnd(span)
  }

  /** Spans the processor handed to the exporter: out of the queue. */
  private left(spans: ReadableSpan[]): void {
    this.queued -= spans.length
    for (const span of spans) this.queuedBytes -= textSizeOf(span)
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush()
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown()
  }
}

/** The exporter, telling when spans leave the queue and counting those an export lost. */
class CountingExporter implements SpanExporter {
  private failing = false

  constructor(
    private readonly inner: SpanExporter,
    private readonly handedOver: (spans: ReadableSpan[]) => void,
    private readonly report: ExportReport,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.handedOver(spans)
    this.inner.export(spans, (result) => {
      if (result.code === SUCCESS) {
        if (this.failing) this.report.onRecovery()
        this.failing = false
      } else {
        this.report.onDropped(spans.length)
        if (!this.failing) this.report.onFailure(spans.length, result.error)
        this.failing = true
      }
      done(result)
    })
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown()
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve()
  }
}

/** The length of a span's text attributes: what it holds beyond a fixed size. */
function textSizeOf(span: ReadableSpan): number {
  let size = 0
  for (const value of Object.values(span.attributes)) if (typeof value === 'string') size += value.length
  return size
}
