// The observer that turns spans into metrics (core/observe/ → mc-metrics.ts).
// A per-chunk cost of nothing here: chunks are counted on the run's span, and
// a scrape adds what running streams counted since the scrape before (so long
// streams show as they go). Workflow and component ids become labels only
// when the compose file (or the queue's workers) has them: anything else is
// `other`, so labels stay as few as the file's ids.

import type { Observer } from '../observe/observers.ts'
import { durationSeconds, type Span, type SpanEvent } from '../observe/span.ts'
import type { StoreWrite } from '../observe/store-writes.ts'
import { McMetrics } from './mc-metrics.ts'

export interface SpanMetricsOptions {
  /** Whether a workflow id is one the file (or a queue worker) serves. */
  knownWorkflow(id: string): boolean
  knownComponent(id: string): boolean
  queueDepth?: () => Promise<Map<string, number>>
}

const OTHER = 'other'

const RUN_STATUS = { ok: 'completed', error: 'failed', cancelled: 'cancelled' } as const

/** Chunks and bytes of a streaming run already added to the counters. */
interface Counted {
  workflow: string
  chunks: number
  bytes: number
}

export class SpanMetrics implements Observer {
  readonly metrics: McMetrics
  private readonly streaming = new Map<Span, Counted>()

  constructor(private readonly options: SpanMetricsOptions) {
    this.metrics = new McMetrics(() => this.addStreamed(), options.queueDepth)
  }

  onStart(span: Span): void {
    if (span.kind === 'run') this.metrics.runsActive.inc({ workflow: this.workflowOf(span) })
  }

  onEvent(span: Span, event: SpanEvent): void {
    if (span.kind === 'run' && event.name === 'stream') {
      const workflow = this.workflowOf(span)
      this.streaming.set(span, { workflow, chunks: 0, bytes: 0 })
      this.metrics.streamsActive.inc({ workflow })
    } else if (span.kind === 'run' && event.name === 'first_chunk') {
      this.metrics.firstChunk.observe({ workflow: this.workflowOf(span) }, (event.at - span.startedAt) / 1000)
    } else if (event.name === 'retry') {
      // A job's retry, or an upstream request's (a component's max_retries): named by the run's workflow and job.
      const workflow = this.workflowOf(span)
      const job = workflow === OTHER ? undefined : inherited(span, 'job.id')
      this.metrics.retries.inc({ workflow, job: typeof job === 'string' ? job : OTHER, kind: span.kind === 'upstream' ? 'upstream' : 'job' })
    }
  }

  onEnd(span: Span): void {
    if (span.kind === 'run') this.runEnded(span)
    else if (span.kind === 'upstream') {
      const component = this.componentOf(span)
      const code = span.attributes['http.status_code']
      this.metrics.upstreamRequests.inc({ component, status: typeof code === 'number' ? String(code) : span.status === 'ok' ? 'ok' : (span.status ?? 'error') })
      this.metrics.upstreamDuration.observe({ component }, durationSeconds(span))
    }
  }

  onStoreWrite(operation: StoreWrite, seconds: number, ok: boolean): void {
    this.metrics.storeWrites.observe({ operation, result: ok ? 'ok' : 'failed' }, seconds)
  }

  private runEnded(span: Span): void {
    const workflow = this.workflowOf(span)
    const status = span.attributes['task.handed_over'] === true ? 'handed_over' : RUN_STATUS[span.status ?? 'ok']
    // Key names come from the operator's key list (MC_API_KEYS...), never from a client.
    const key = span.attributes['api_key.name']
    this.metrics.runs.inc(typeof key === 'string' ? { workflow, status, api_key: key } : { workflow, status })
    this.metrics.runDuration.observe({ workflow, status }, durationSeconds(span))
    this.metrics.runsActive.dec({ workflow })
    const counted = this.streaming.get(span)
    if (!counted) return
    this.streaming.delete(span)
    this.addDelta(span, counted)
    this.metrics.streamsActive.dec({ workflow })
  }

  /** Before a scrape: what running streams counted since the last one. */
  private addStreamed(): void {
    for (const [span, counted] of this.streaming) this.addDelta(span, counted)
  }

  private addDelta(span: Span, counted: Counted): void {
    if (span.chunks > counted.chunks) this.metrics.chunks.inc({ workflow: counted.workflow }, span.chunks - counted.chunks)
    if (span.bytes > counted.bytes) this.metrics.bytes.inc({ workflow: counted.workflow }, span.bytes - counted.bytes)
    counted.chunks = span.chunks
    counted.bytes = span.bytes
  }

  /** The span's workflow: its own, else that of the run or job it is part of. */
  private workflowOf(span: Span): string {
    const id = inherited(span, 'workflow.id')
    return typeof id === 'string' && this.options.knownWorkflow(id) ? id : OTHER
  }

  /** The upstream's component: its own attribute, else the component call it is part of. */
  private componentOf(span: Span): string {
    const id = inherited(span, 'component.id')
    return typeof id === 'string' && this.options.knownComponent(id) ? id : OTHER
  }
}

/** An attribute of the span, or of the nearest span it is part of that has it. */
function inherited(span: Span, key: string): unknown {
  let at: Span | undefined = span
  while (at && at.attributes[key] === undefined) at = at.parent
  return at?.attributes[key]
}
