// A tracing backend that never answers, and one that refuses connections:
// runs still complete and answer as without tracers, what could not be sent
// is counted (mc_trace_spans_dropped_total) and warned of once, and mc still
// stops when told.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { freePort, startComposed, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { startReceiver, type Receiver } from './otlp-receiver.ts'

let upstream: Upstream
let silent: Receiver
let mc: McProcess

const compose = (upstreamUrl: string, silentUrl: string, refusedUrl: string, port: number) => `
controller: { port: ${port} }
tracers:
  - driver: langfuse
    public_key: pk-lf-1
    secret_key: sk-lf-1
    url: ${silentUrl}
    timeout: 1
  - driver: otlp
    endpoint: ${refusedUrl}/v1/traces
components:
  - id: stream
    type: http-client
    endpoint: ${upstreamUrl}/v1/chat/completions
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: plain
    type: http-client
    endpoint: ${upstreamUrl}/v1/chat/completions
    body: { messages: [{ role: user, content: "\${input.prompt}" }] }
    output: \${response.choices[0].message.content}
workflows:
  - id: streamed
    output: \${output as text;sse-text}
    jobs:
      - component: stream
  - id: plain
    jobs:
      - component: plain
`

beforeAll(async () => {
  upstream = startUpstream({ reply: 'still here' })
  silent = startReceiver({ path: '/api/public/otel/v1/traces', headers: {}, hang: true })
  const refused = `http://127.0.0.1:${freePort()}`
  // A small queue, so that spans waiting on the silent backend overflow it.
  mc = await startComposed((port) => compose(upstream.url, silent.url, refused, port), { OTEL_BSP_SCHEDULE_DELAY: '20', OTEL_BSP_MAX_QUEUE_SIZE: '4', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2' })
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
  silent?.stop()
})

const runs = (workflow: string, extra: Record<string, unknown> = {}) =>
  fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow, input: { prompt: 'p' }, wait_for_completion: true, ...extra }) })

test('runs, streamed and not, answer in full while no backend takes spans', async () => {
  for (let round = 0; round < 10; round++) {
    const [streamed, waited] = await Promise.all([runs('streamed', { output_only: true }), runs('plain')])
    expect(streamed.status).toBe(200)
    const events = await streamed.text()
    expect(events).toContain('data: still')
    expect(events).not.toContain('event: error')
    expect(waited.status).toBe(200)
    expect(((await waited.json()) as { status: string; output: string }).output).toBe('still here')
  }
})

test('the spans that could not be sent are counted and warned of once per backend', async () => {
  const deadline = Date.now() + 20_000
  let dropped = 0
  while (Date.now() < deadline) {
    const text = await (await fetch(`${mc.api}/metrics`)).text()
    dropped = Number(/^mc_trace_spans_dropped_total (\d+)/m.exec(text)?.[1] ?? 0)
    if (dropped > 0 && mc.logs().includes('could not send')) break
    await Bun.sleep(100)
  }
  expect(dropped).toBeGreaterThan(0)
  const warnings = mc.logs().split('\n').filter((line) => line.includes('could not send'))
  expect(warnings.length).toBeGreaterThanOrEqual(1)
  expect(warnings.length).toBeLessThanOrEqual(2)
  expect(warnings.join('\n')).not.toContain('sk-lf-1')
})

test('mc stops when told, with spans still waiting on the silent backend', async () => {
  // 143: stopped by SIGTERM, after its cleanup (a bounded wait for the last spans).
  expect(await mc.stop()).toBe(143)
}, 15_000)
