// mc's Prometheus metrics, in a registry of their own (prom-client): names and
// units by Prometheus conventions (`_total` counters, `_seconds` histograms).
// Labels are ids from the compose file and small fixed sets (statuses,
// operations): what a client sends never becomes a label (span-metrics.ts).

import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { droppedSpans } from './dropped-spans.ts'

/** From 5 ms to 5 min: model calls take from milliseconds to minutes. */
const RUN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
/** From 1 ms to 30 s: a first token comes in milliseconds to seconds. */
const FIRST_CHUNK_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
/** From 0.1 ms to 5 s: a store write is fast or something is wrong. */
const STORE_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5]

export class McMetrics {
  readonly registry = new Registry()
  readonly runs: Counter<'workflow' | 'status' | 'api_key'>
  readonly runDuration: Histogram<'workflow' | 'status'>
  readonly firstChunk: Histogram<'workflow'>
  readonly chunks: Counter<'workflow'>
  readonly bytes: Counter<'workflow'>
  readonly runsActive: Gauge<'workflow'>
  readonly streamsActive: Gauge<'workflow'>
  readonly upstreamRequests: Counter<'component' | 'status'>
  readonly upstreamDuration: Histogram<'component'>
  readonly retries: Counter<'workflow' | 'job' | 'kind'>
  readonly storeWrites: Histogram<'operation' | 'result'>

  /**
   * `collectStreamed`: adds what running streams counted since the last
   * scrape (called before each scrape); `queueDepth`: tasks waiting on the
   * queue by workflow (queue mode only).
   */
  constructor(collectStreamed: () => void, queueDepth?: () => Promise<Map<string, number>>) {
    const registers = [this.registry]
    this.runs = new Counter({ name: 'mc_runs_total', help: "Workflow runs ended, by workflow, status (completed, failed, cancelled, handed_over) and the name of the run's API key (when keys are set).", labelNames: ['workflow', 'status', 'api_key'], registers })
    this.runDuration = new Histogram({ name: 'mc_run_duration_seconds', help: 'Seconds from a run request to its outcome (a streamed run: to its last chunk).', labelNames: ['workflow', 'status'], buckets: RUN_BUCKETS, registers })
    this.firstChunk = new Histogram({ name: 'mc_time_to_first_chunk_seconds', help: "Seconds from a run request to its output stream's first chunk.", labelNames: ['workflow'], buckets: FIRST_CHUNK_BUCKETS, registers })
    this.chunks = new Counter({ name: 'mc_stream_chunks_total', help: 'Chunks (SSE events) that runs streamed.', labelNames: ['workflow'], registers, collect: collectStreamed })
    this.bytes = new Counter({ name: 'mc_stream_bytes_total', help: 'Bytes of the SSE data that runs streamed.', labelNames: ['workflow'], registers })
    this.runsActive = new Gauge({ name: 'mc_runs_active', help: 'Runs in progress (waiting for a slot, running or streaming).', labelNames: ['workflow'], registers })
    this.streamsActive = new Gauge({ name: 'mc_streams_active', help: 'Runs whose output is streaming now.', labelNames: ['workflow'], registers })
    this.upstreamRequests = new Counter({ name: 'mc_upstream_requests_total', help: 'Requests components made to upstream servers, by component and HTTP status (or error, cancelled).', labelNames: ['component', 'status'], registers })
    this.upstreamDuration = new Histogram({ name: 'mc_upstream_duration_seconds', help: 'Seconds an upstream request took, to the end of its body.', labelNames: ['component'], buckets: RUN_BUCKETS, registers })
    this.retries = new Counter({ name: 'mc_retries_total', help: "Attempts that failed and were retried: a job's (retry:, kind job) or an upstream request's (max_retries, kind upstream).", labelNames: ['workflow', 'job', 'kind'], registers })
    this.storeWrites = new Histogram({ name: 'mc_task_store_write_seconds', help: 'Seconds a task-store write took, by operation and result (ok, failed).', labelNames: ['operation', 'result'], buckets: STORE_BUCKETS, registers })
    new Counter({
      name: 'mc_trace_spans_dropped_total',
      help: 'Spans a tracer dropped: its queue full or its backend failing.',
      registers,
      collect() {
        this.reset()
        this.inc(droppedSpans())
      },
    })
    if (queueDepth) {
      new Gauge({
        name: 'mc_queue_depth',
        help: "Tasks waiting on the queue for a worker, by workflow (controller.queue).",
        labelNames: ['workflow'],
        registers,
        async collect() {
          for (const [workflow, depth] of await queueDepth()) this.set({ workflow }, depth)
        },
      })
    }
  }

  /** The text a scrape gets, and its Content-Type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType }
  }
}
