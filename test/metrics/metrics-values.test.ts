// GET /metrics after real runs against a spawned `mc up` and a local upstream:
// runs by workflow and status (completed, failed, cancelled), durations, time
// to first chunk, chunks and bytes streamed (counted while a stream runs,
// not only at its end), active runs and streams, job retries, task-store
// writes, upstream requests; and no label from what a client sent.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startComposed, type McProcess } from '../support/mc.ts'
import { chatStreamComponent, sseWorkflow } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { labelValues, valueOf } from './exposition.ts'

let upstream: Upstream
let mc: McProcess
let api: string

const compose = (u: string, port: number) => `
controller:
  port: ${port}

workflows:${sseWorkflow('chat')}
  - id: whole
    jobs:
      - component: whole
  - id: flaky-job
    jobs:
      - id: ask
        component: flaky
        retry: { max_attempt_count: 3, delay: 0.01 }
  - id: failing
    jobs:
      - component: broken
  - id: flaky-upstream
    jobs:
      - id: call
        component: retried

components:${chatStreamComponent('chat', `${u}/v1/chat/completions?key=\${input.key | ""}&gate=\${input.gate | 0}&chunks=["one"," two"," three"]`, { content: 'hi' })}
  - id: whole
    type: http-client
    endpoint: ${u}/json
    body: { a: 1 }
    output: \${response.text}
  - id: flaky
    type: http-client
    endpoint: ${u}/v1/chat/completions?key=flaky-job&fail=2&status=503
    body: { messages: [{ role: user, content: hi }] }
    output: \${response.choices[0].message.content}
  - id: broken
    type: http-client
    endpoint: ${u}/v1/chat/completions?key=broken&fail=1000&status=500
    body: { messages: [{ role: user, content: hi }] }
  - id: retried
    type: http-client
    endpoint: ${u}/v1/chat/completions?key=retried&fail=1&status=503
    max_retries: 2
    retry_delay: 0.01
    body: { messages: [{ role: user, content: hi }] }
    output: \${response.choices[0].message.content}
`

beforeAll(async () => {
  upstream = startUpstream()
  mc = await startComposed((port) => compose(upstream.url, port))
  api = mc.api
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const run = (workflow_id: string, input: Record<string, unknown> = {}, init: RequestInit = {}) =>
  fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id, input, output_only: true }), ...init })
const scrape = async () => {
  const response = await fetch(`${api}/metrics`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
  return response.text()
}

/** Reads an SSE body until its text includes `marker`. */
async function readUntil(reader: { read(): Promise<{ value?: Uint8Array; done: boolean }> }, marker: string): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes(marker)) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`stream ended before "${marker}": ${text}`)
    text += decoder.decode(value, { stream: true })
  }
  return text
}

/** Scrapes until `ready` holds of the text (a run's outcome is stored just after its answer). */
async function scrapeUntil(ready: (text: string) => boolean): Promise<string> {
  for (let i = 0; ; i++) {
    const text = await scrape()
    if (ready(text) || i === 200) return text
    await Bun.sleep(25)
  }
}

describe('after real runs', () => {
  test('a streamed run: counted completed, its chunks and bytes, its time to first chunk', async () => {
    const response = await run('chat')
    expect(await response.text()).toContain('data:  three')
    const text = await scrapeUntil((t) => valueOf(t, 'mc_runs_total', { workflow: 'chat', status: 'completed' }) === 1)
    expect(valueOf(text, 'mc_runs_total', { workflow: 'chat', status: 'completed' })).toBe(1)
    expect(valueOf(text, 'mc_stream_chunks_total', { workflow: 'chat' })).toBe(3)
    // "one", " two", " three": the SSE data of each event.
    expect(valueOf(text, 'mc_stream_bytes_total', { workflow: 'chat' })).toBe(13)
    expect(valueOf(text, 'mc_time_to_first_chunk_seconds_count', { workflow: 'chat' })).toBe(1)
    expect(valueOf(text, 'mc_run_duration_seconds_count', { workflow: 'chat', status: 'completed' })).toBe(1)
    expect(valueOf(text, 'mc_streams_active', { workflow: 'chat' })).toBe(0)
  })

  test('a whole run, a failing one, and one whose job was retried twice', async () => {
    expect((await run('whole')).status).toBe(200)
    expect((await run('failing')).status).toBe(502)
    expect((await run('flaky-job')).status).toBe(200)
    const text = await scrapeUntil((t) => valueOf(t, 'mc_runs_total', { workflow: 'flaky-job', status: 'completed' }) === 1)
    expect(valueOf(text, 'mc_runs_total', { workflow: 'whole', status: 'completed' })).toBe(1)
    expect(valueOf(text, 'mc_runs_total', { workflow: 'failing', status: 'failed' })).toBe(1)
    expect(valueOf(text, 'mc_retries_total', { workflow: 'flaky-job', job: 'ask', kind: 'job' })).toBe(2)
    expect(valueOf(text, 'mc_run_duration_seconds_count', { workflow: 'failing', status: 'failed' })).toBe(1)
    // Nothing streamed by them.
    expect(valueOf(text, 'mc_stream_chunks_total', { workflow: 'whole' })).toBe(0)
    // Every run's task was created, started and finished in the store.
    expect(valueOf(text, 'mc_task_store_write_seconds_count', { operation: 'finish', result: 'ok' })).toBeGreaterThanOrEqual(4)
  })

  test('a stream in progress: active run and stream, its chunks so far; then none active', async () => {
    // Its first chunk let through (the answer's head may wait for it), the others held.
    upstream.release('live')
    const reader = (await run('chat', { key: 'live', gate: 1 })).body!.getReader()
    await readUntil(reader, 'data: one')
    const during = await scrape()
    expect(valueOf(during, 'mc_runs_active', { workflow: 'chat' })).toBe(1)
    expect(valueOf(during, 'mc_streams_active', { workflow: 'chat' })).toBe(1)
    // The first run's 3 chunks, and this one's first, counted before this stream ends.
    expect(valueOf(during, 'mc_stream_chunks_total', { workflow: 'chat' })).toBe(4)
    for (let i = 0; i < 5; i++) upstream.release('live')
    await readUntil(reader, 'data:  three')
    const after = await scrapeUntil((t) => valueOf(t, 'mc_runs_total', { workflow: 'chat', status: 'completed' }) === 2)
    expect(valueOf(after, 'mc_runs_active', { workflow: 'chat' })).toBe(0)
    expect(valueOf(after, 'mc_streams_active', { workflow: 'chat' })).toBe(0)
    expect(valueOf(after, 'mc_stream_chunks_total', { workflow: 'chat' })).toBe(6)
  })

  test('a client that leaves mid-stream: the run is counted cancelled', async () => {
    const leave = new AbortController()
    upstream.release('leaving')
    const response = await run('chat', { key: 'leaving', gate: 1 }, { signal: leave.signal })
    await readUntil(response.body!.getReader(), 'data: one')
    leave.abort()
    const text = await scrapeUntil((t) => valueOf(t, 'mc_runs_total', { workflow: 'chat', status: 'cancelled' }) === 1)
    expect(valueOf(text, 'mc_runs_total', { workflow: 'chat', status: 'cancelled' })).toBe(1)
    expect(valueOf(text, 'mc_runs_active', { workflow: 'chat' })).toBe(0)
    expect(valueOf(text, 'mc_streams_active', { workflow: 'chat' })).toBe(0)
  })

  test('upstream requests by component and status, with their retries and durations', async () => {
    expect((await run('flaky-upstream')).status).toBe(200)
    const text = await scrapeUntil((t) => valueOf(t, 'mc_runs_total', { workflow: 'flaky-upstream', status: 'completed' }) === 1)
    // One request answered 503, retried once (max_retries) and answered 200: one exchange, counted by its last status.
    expect(valueOf(text, 'mc_upstream_requests_total', { component: 'retried', status: '200' })).toBe(1)
    expect(valueOf(text, 'mc_retries_total', { workflow: 'flaky-upstream', job: 'call', kind: 'upstream' })).toBe(1)
    expect(valueOf(text, 'mc_upstream_duration_seconds_count', { component: 'retried' })).toBe(1)
    // The job retried twice: three exchanges of `flaky`, two answered 503 (after no retries of their own), one 200.
    expect(valueOf(text, 'mc_upstream_requests_total', { component: 'flaky', status: '503' })).toBe(2)
    expect(valueOf(text, 'mc_upstream_requests_total', { component: 'flaky', status: '200' })).toBe(1)
    expect(valueOf(text, 'mc_upstream_requests_total', { component: 'broken', status: '500' })).toBe(1)
    // Streams: counted once each, when their body ended.
    expect(valueOf(text, 'mc_upstream_requests_total', { component: 'chat', status: '200' })).toBe(3)
  })

  test('workflow ids a client makes up never become labels', async () => {
    for (let i = 0; i < 5; i++) expect((await run(`made-up-${i}-${crypto.randomUUID()}`)).status).toBe(404)
    const workflows = labelValues(await scrape(), 'workflow')
    expect([...workflows].filter((id) => id.startsWith('made-up'))).toEqual([])
    expect([...workflows].every((id) => ['chat', 'whole', 'flaky-job', 'failing', 'flaky-upstream', 'other'].includes(id))).toBe(true)
  })
})
