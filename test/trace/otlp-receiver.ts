// A Langfuse-shaped OTLP receiver for tests: POST {path} (Langfuse's is
// /api/public/otel/v1/traces) with OTLP/HTTP JSON, refused with 401 unless
// the Basic credentials (or any headers asked for) match. It keeps every body
// as received (to look for what must not be there) and the spans, flattened.
// `hang: true` takes requests and never answers: a backend that is down in
// the slowest way.

export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  attributes: Record<string, string | number | boolean>
  status: number
  events: string[]
  service: string
}

export interface Receiver {
  url: string
  bodies: string[]
  /** The headers of every request, lower-cased names. */
  headers: Record<string, string>[]
  spans: ReceivedSpan[]
  refused: number
  /** Resolves once `check` holds of the spans received (fails after 20 s). */
  waitFor(check: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]>
  stop(): void
}

interface OtlpValue {
  stringValue?: string
  intValue?: number | string
  doubleValue?: number
  boolValue?: boolean
}
type OtlpAttributes = { key: string; value: OtlpValue }[] | undefined

export function startReceiver(options: { path: string; headers: Record<string, string>; hang?: boolean }): Receiver {
  const received: Receiver = {
    url: '',
    bodies: [],
    headers: [],
    spans: [],
    refused: 0,
    async waitFor(check) {
      const deadline = Date.now() + 20_000
      while (!check(received.spans)) {
        if (Date.now() > deadline) throw new Error(`spans did not come: ${JSON.stringify(received.spans.map((s) => s.name))}`)
        await Bun.sleep(50)
      }
      return received.spans
    },
    stop: () => server.stop(true),
  }
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      if (options.hang) return new Promise<Response>(() => {})
      received.headers.push(Object.fromEntries(request.headers))
      if (new URL(request.url).pathname !== options.path || request.method !== 'POST') return new Response('not found', { status: 404 })
      for (const [name, value] of Object.entries(options.headers)) {
        if (request.headers.get(name) !== value) {
          received.refused++
          return new Response('unauthorized', { status: 401 })
        }
      }
      if (!request.headers.get('content-type')?.includes('application/json')) return new Response('expected OTLP JSON', { status: 415 })
      const text = await request.text()
      received.bodies.push(text)
      for (const resourceSpans of JSON.parse(text).resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'])
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            received.spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              attributes: attributesOf(span.attributes),
              status: span.status?.code ?? 0,
              events: (span.events ?? []).map((e: { name: string }) => e.name),
              service,
            })
          }
        }
      }
      return Response.json({})
    },
  })
  received.url = `http://127.0.0.1:${server.port}`
  return received
}

function attributesOf(list: OtlpAttributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const { key, value } of list ?? []) out[key] = value.stringValue ?? value.boolValue ?? value.doubleValue ?? Number(value.intValue)
  return out
}
