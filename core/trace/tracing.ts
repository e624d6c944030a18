// Tracing on or off for a loaded compose file: one OpenTelemetry provider per
// tracer (its resource, its bounded export queue, its OTLP/HTTP exporter, as
// JSON), each an observer of mc's spans. A backend that is down or slow never
// touches a run: spans wait in a bounded queue, and what cannot be sent is
// dropped and counted (mc_trace_spans_dropped_total), with one warning per
// outage. Stopping sends what waits, for a bounded time.

import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import type { Logger } from '../log.ts'
import { addObserver } from '../observe/observers.ts'
import { describeUrl } from '../secrets.ts'
import { bytesSetting, countSetting } from '../settings.ts'
import { otlpExporterOf } from './otlp-exporter.ts'
import { BoundedSpanProcessor, type ExportReport, type QueueLimits } from './bounded-export.ts'
import { wantPayloads } from './payloads.ts'
import { SpanBridge } from './span-bridge.ts'
import type { TracerConfig } from '../model/tracer-config.ts'

export interface Tracing {
  /** Stops observing, then sends what waits (at most STOP_WAIT_MS). */
  stop(): Promise<void>
}

/** The most the texts (payloads) of spans waiting to be sent may hold, per tracer. */
const DEFAULT_QUEUE_BYTES = 64 * 1024 * 1024

/** How long stopping waits for the last spans to be sent. */
const STOP_WAIT_MS = 2000

type Env = Readonly<Record<string, string | undefined>>

export interface TracingOptions {
  env: Env
  log: Logger
  /** Counts spans that never reached a backend (mc_trace_spans_dropped_total). */
  countDropped: (count: number) => void
}

export function startTracing(tracers: readonly TracerConfig[], { env, log, countDropped }: TracingOptions): Tracing | undefined {
  if (tracers.length === 0) return undefined
  const limits = queueLimitsOf(env)
  const removals: (() => void)[] = []
  const providers: BasicTracerProvider[] = []
  for (const config of tracers) {
    const where = `${config.source} (${describeUrl(config.endpoint)})`
    const exporter = otlpExporterOf(config)
    const processor = new BoundedSpanProcessor(exporter, { ...limits, timeoutMs: config.timeoutMs }, reportTo(log, where, countDropped))
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': config.serviceName }), spanProcessors: [processor] })
    removals.push(addObserver(new SpanBridge(provider.getTracer('mc'), config)))
    if (config.capture.input || config.capture.output) removals.push(wantPayloads())
    providers.push(provider)
    log.info(`tracing to ${where}`)
  }
  return {
    async stop() {
      for (const remove of removals) remove()
      // The wait's timer is unref'd: it never keeps mc alive by itself.
      await Promise.race([Promise.allSettled(providers.map((p) => p.shutdown())), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())])
    },
  }
}

/** The export queue's bounds, as OpenTelemetry's OTEL_BSP_* variables name them (and mc's MC_TRACE_QUEUE_BYTES); batches wait at most a second. */
function queueLimitsOf(env: Env): Omit<QueueLimits, 'timeoutMs'> {
  return {
    maxQueueSize: countSetting(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048),
    maxQueueBytes: bytesSetting(env, 'MC_TRACE_QUEUE_BYTES', DEFAULT_QUEUE_BYTES),
    maxBatchSize: countSetting(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
    delayMs: countSetting(env, 'OTEL_BSP_SCHEDULE_DELAY', 1000),
  }
}

function reportTo(log: Logger, where: string, countDropped: (count: number) => void): ExportReport {
  return {
    onDropped: countDropped,
    onFailure: (spans, error) => log.warn(`tracer ${where}: could not send ${spans} spans (${error?.message ?? 'export failed'}); spans are dropped until it answers`),
    onRecovery: () => log.info(`tracer ${where}: sending spans again`),
  }
}
