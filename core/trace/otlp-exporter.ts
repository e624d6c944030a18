// The OTLP/HTTP exporter of one tracer, as JSON, configured by mc alone. The
// OpenTelemetry exporter would add what the OTEL_EXPORTER_OTLP_* variables
// say (headers above all) to every exporter it makes: a collector's token
// would go to Langfuse too. mc already read those variables into the tracer
// they ask for (otlp-env.ts), so they are hidden while an exporter is made
// (it reads them then, and never again).

import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import type { TracerConfig } from '../model/tracer-config.ts'

export function otlpExporterOf(config: TracerConfig): OTLPTraceExporter {
  const hidden = Object.entries(process.env).filter(([name]) => name.startsWith('OTEL_EXPORTER_OTLP_'))
  for (const [name] of hidden) delete process.env[name]
  try {
    return new OTLPTraceExporter({ url: config.endpoint, headers: config.headers, timeoutMillis: config.timeoutMs })
  } finally {
    for (const [name, value] of hidden) process.env[name] = value
  }
}
