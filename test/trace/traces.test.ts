// Traces as a Langfuse user (or an OpenTelemetry collector's) sees them: mc
// runs real workflows calling a real upstream, and sends their spans as
// OTLP/HTTP JSON to receivers started here, shaped as Langfuse's endpoint is.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startComposed, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { startReceiver, type ReceivedSpan, type Receiver } from './otlp-receiver.ts'

const LANGFUSE_PATH = '/api/public/otel/v1/traces'
const PUBLIC_KEY = 'pk-lf-0123456789'
const SECRET_KEY = 'sk-lf-secret-9876543210'
/** The value a `redact_keys` key holds: it must reach no receiver. */
const SENTINEL = 'do-not-trace-4f1c9a'
/** A credential the http-client sends: masked as in logs. */
const UPSTREAM_TOKEN = 'upstream-token-abcdef123456'

const compose = (upstream: string, langfuse: string, collector: string, port: number) => `
controller:
  port: ${port}
tracers:
  - driver: langfuse
    public_key: ${PUBLIC_KEY}
    secret_key: \${env.LANGFUSE_SECRET_KEY}
    url: ${langfuse}/
    capture:
      redact_keys: [Patient_Name]
      max_payload_bytes: 1000
  - driver: otlp
    endpoint: ${collector}/v1/traces
    headers: { x-collector-auth: collector-secret-1 }
    service_name: mc-under-test
    capture: { input: false, output: false }
components:
  - id: chat
    type: http-client
    endpoint: ${upstream}/v1/chat/completions
    headers: { Authorization: "Bearer \${env.UPSTREAM_TOKEN}" }
    body:
      messages: [{ role: user, content: "\${input.prompt}" }]
      patient_name: \${input.patient_name}
    output: \${response.choices[0].message.content}
  - id: stream
    type: http-client
    endpoint: ${upstream}/v1/chat/completions
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
workflows:
  - id: two-jobs
    jobs:
      - id: ask
        component: chat
        input: { prompt: "\${input.prompt}", patient_name: "\${input.patient_name}" }
      - id: again
        component: chat
        depends_on: [ask]
        input: { prompt: "again: \${jobs.ask.output}", patient_name: "\${input.patient_name}" }
  - id: streamed
    output: \${output as text;sse-text}
    jobs:
      - component: stream
`

let upstream: Upstream
let langfuse: Receiver
let collector: Receiver
let mc: McProcess

beforeAll(async () => {
  upstream = startUpstream({ reply: 'fine thanks' })
  langfuse = startReceiver({ path: LANGFUSE_PATH, headers: { authorization: `Basic ${btoa(`${PUBLIC_KEY}:${SECRET_KEY}`)}` } })
  collector = startReceiver({ path: '/v1/traces', headers: { 'x-collector-auth': 'collector-secret-1' } })
  mc = await startComposed((port) => compose(upstream.url, langfuse.url, collector.url, port), { LANGFUSE_SECRET_KEY: SECRET_KEY, UPSTREAM_TOKEN, OTEL_BSP_SCHEDULE_DELAY: '50' })
})
afterAll(async () => {
  await mc?.stop()
  for (const server of [upstream, langfuse, collector]) server?.stop()
})

const run = async (body: Record<string, unknown>) => {
  const response = await fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, text: await response.text() }
}

/** The spans of one trace, by their kind, checked to hang from one another. */
function traceOf(spans: ReceivedSpan[], taskId: string): ReceivedSpan[] {
  const root = spans.find((s) => s.attributes['model_compose.task_id'] === taskId)
  if (!root) return []
  return spans.filter((s) => s.traceId === root.traceId)
}

const parentOf = (spans: ReceivedSpan[], span: ReceivedSpan) => spans.find((s) => s.spanId === span.parentSpanId)

describe('a Langfuse tracer', () => {
  let taskId: string
  let trace: ReceivedSpan[]

  beforeAll(async () => {
    const answer = await run({ workflow_id: 'two-jobs', input: { prompt: 'hello', patient_name: SENTINEL }, wait_for_completion: true })
    expect(answer.status).toBe(200)
    const body = JSON.parse(answer.text)
    expect(body.output).toBe('fine thanks')
    taskId = body.task_id
    // run + 2 jobs + 2 component calls + 2 upstream requests
    await langfuse.waitFor((spans) => traceOf(spans, taskId).length >= 7 && traceOf(spans, taskId).some((s) => s.attributes['mc.span.kind'] === 'run'))
    trace = traceOf(langfuse.spans, taskId)
  })

  test('gets the run, each job, each component call and upstream request, linked parent to child in one trace', () => {
    const kind = (k: string) => trace.filter((s) => s.attributes['mc.span.kind'] === k)
    const [runSpan] = kind('run')
    expect(runSpan!.name).toBe('two-jobs')
    expect(runSpan!.parentSpanId).toBe('')
    expect(runSpan!.attributes['langfuse.trace.name']).toBe('two-jobs')
    expect(kind('job').map((s) => s.name).sort()).toEqual(['again', 'ask'])
    for (const job of kind('job')) expect(parentOf(trace, job)).toBe(runSpan)
    expect(kind('component')).toHaveLength(2)
    for (const component of kind('component')) {
      expect(component.name).toBe('chat')
      expect(parentOf(trace, component)!.attributes['mc.span.kind']).toBe('job')
    }
    expect(kind('upstream')).toHaveLength(2)
    for (const request of kind('upstream')) {
      expect(parentOf(trace, request)!.attributes['mc.span.kind']).toBe('component')
      expect(request.attributes['http.response.status_code']).toBe(200)
    }
    expect(new Set(trace.map((s) => s.traceId)).size).toBe(1)
    expect(runSpan!.service).toBe('model-compose')
    expect(langfuse.refused).toBe(0)
  })

  test("carries the input and output of the run, jobs and component calls; a redact_keys value and secrets replaced wherever they stood", () => {
    const runSpan = trace.find((s) => s.attributes['mc.span.kind'] === 'run')!
    expect(JSON.parse(String(runSpan.attributes['langfuse.trace.input']))).toEqual({ prompt: 'hello', patient_name: '[redacted]' })
    expect(runSpan.attributes['langfuse.trace.output']).toBe('fine thanks')
    expect(runSpan.attributes['langfuse.observation.output']).toBe('fine thanks')
    const ask = trace.find((s) => s.name === 'ask')!
    expect(JSON.parse(String(ask.attributes['langfuse.observation.input']))).toEqual({ prompt: 'hello', patient_name: '[redacted]' })
    const call = trace.find((s) => s.attributes['mc.span.kind'] === 'component' && parentOf(trace, s) === ask)!
    const fields = JSON.parse(String(call.attributes['langfuse.observation.input']))
    expect(fields.body.patient_name).toBe('[redacted]')
    expect(fields.headers.Authorization).toBe('[redacted]')
    expect(call.attributes['langfuse.observation.output']).toBe('fine thanks')
    for (const body of langfuse.bodies) {
      expect(body).not.toContain(SENTINEL)
      expect(body).not.toContain(SECRET_KEY)
      expect(body).not.toContain(UPSTREAM_TOKEN)
    }
  })

  test('a streamed run has its time to first chunk', async () => {
    const answer = await run({ workflow_id: 'streamed', input: { prompt: 'a b c' }, output_only: true, wait_for_completion: true })
    expect(answer.status).toBe(200)
    expect(answer.text).toContain('data: ')
    const spans = await langfuse.waitFor((all) => all.some((s) => s.name === 'streamed' && s.attributes['mc.span.kind'] === 'run'))
    const runSpan = spans.find((s) => s.name === 'streamed' && s.attributes['mc.span.kind'] === 'run')!
    expect(runSpan.attributes['mc.time_to_first_chunk_ms']).toBeGreaterThanOrEqual(0)
    expect(runSpan.attributes['mc.stream.chunks']).toBeGreaterThan(0)
    expect(Date.parse(String(runSpan.attributes['langfuse.observation.completion_start_time']))).toBeGreaterThan(0)
    expect(runSpan.events).toContain('first_chunk')
  })

  test('a payload over max_payload_bytes is sent as "[truncated]"', async () => {
    const prompt = 'é'.repeat(600) // 1200 bytes in UTF-8
    const answer = await run({ workflow_id: 'two-jobs', input: { prompt, patient_name: 'x' }, wait_for_completion: true })
    const taskId = JSON.parse(answer.text).task_id
    await langfuse.waitFor((spans) => traceOf(spans, taskId).some((s) => s.attributes['mc.span.kind'] === 'run'))
    const runSpan = traceOf(langfuse.spans, taskId).find((s) => s.attributes['mc.span.kind'] === 'run')!
    expect(runSpan.attributes['langfuse.trace.input']).toBe('[truncated]')
    expect(runSpan.attributes['langfuse.trace.output']).toBe('fine thanks')
  })
})

describe('an otlp tracer beside it', () => {
  test('gets the same spans under its service name, without payloads when capture is off', async () => {
    const answer = await run({ workflow_id: 'two-jobs', input: { prompt: 'hi', patient_name: SENTINEL }, wait_for_completion: true })
    const taskId = JSON.parse(answer.text).task_id
    await collector.waitFor((spans) => traceOf(spans, taskId).length >= 7)
    const trace = traceOf(collector.spans, taskId)
    expect(trace.find((s) => s.attributes['mc.span.kind'] === 'run')!.name).toBe('workflow.two-jobs')
    expect(trace.every((s) => s.service === 'mc-under-test')).toBe(true)
    for (const span of trace) {
      const keys = Object.keys(span.attributes)
      expect(keys.filter((k) => /input|output/.test(k))).toEqual([])
    }
    for (const body of collector.bodies) expect(body).not.toContain(SENTINEL)
    expect(collector.refused).toBe(0)
  })
})
