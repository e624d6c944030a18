import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, readPieces, startMc, type McProcess } from '../../support/mc.ts'
import { startUpstream, type Upstream } from '../../support/upstream.ts'

let upstream: Upstream
let mc: McProcess

const compose = (upstreamUrl: string, port: number) => `
controller:
  type: http-server
  port: ${port}

workflows:
  - id: openai
    title: Streaming Chat
    output: \${output as text;sse-text}
    jobs:
      - component: openai-client
        input: \${input}
  - id: claude
    output: \${output as text;sse-text}
    jobs:
      - component: claude-client
  - id: json-chunks
    output: \${output as json;sse-json}
    jobs:
      - component: ndjson
  - id: plain
    title: Not streamed
    jobs:
      - component: openai-whole

components:
  - id: openai-client
    type: http-client
    base_url: ${upstreamUrl}/v1
    path: /chat/completions
    method: POST
    params:
      key: \${input.key | none}
      delay_ms: \${input.delay_ms | 0}
      crlf: \${input.crlf | 0}
      split: \${input.split | 0}
      text: \${input.text | ""}
      chunks: \${input.chunks | ""}
      reset_after: \${input.reset_after | -1}
    headers:
      Authorization: Bearer \${env.OPENAI_API_KEY}
    body:
      model: gpt-4o
      messages:
        - role: user
          content: \${input.prompt as text}
      stream: true
    stream_format: json
    output: \${response[].choices[0].delta.content}

  - id: claude-client
    type: http-client
    base_url: ${upstreamUrl}/v1
    path: /messages
    headers:
      x-api-key: \${env.ANTHROPIC_API_KEY}
      anthropic-version: "2023-06-01"
    body:
      model: claude-3-5-sonnet-20241022
      messages:
        - role: user
          content: \${input.prompt as text}
      stream: true
    stream_format: json
    output: \${response[].delta.text}

  - id: ndjson
    type: http-client
    endpoint: ${upstreamUrl}/ndjson?text=a%20b%20c
    stream_format: json
    output: \${response[]}

  - id: openai-whole
    type: http-client
    endpoint: ${upstreamUrl}/v1/chat/completions
    body:
      messages: [{ role: user, content: "\${input.prompt}" }]
    output: \${response.choices[0].message.content}
`

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  const dir = composeDir({ 'compose.yml': compose(upstream.url, port) })
  mc = await startMc(dir, ['-f', 'compose.yml'], port, { OPENAI_API_KEY: 'sk-test-secret-value-123', ANTHROPIC_API_KEY: 'ant-test-key' })
})

afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const run = (body: unknown) =>
  fetch(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('http-client streaming through mc', () => {
  test('OpenAI deltas arrive as SSE events, exactly, role and finish deltas dropped', async () => {
    const response = await run({ workflow_id: 'openai', input: { prompt: 'Hello', key: 'exact' }, output_only: true, wait_for_completion: true })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect((await response.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Hello\n\n')
    const stats = upstream.stats('exact')
    expect(stats.headers[0]!.authorization).toBe('Bearer sk-test-secret-value-123')
    expect(stats.bodies[0]).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }], stream: true })
  })

  test('Anthropic events: ping, message_start and message_delta dropped, text deltas kept', async () => {
    const response = await run({ workflow_id: 'claude', input: { prompt: 'Hi there' }, output_only: true })
    expect((await response.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Hi\n\ndata:  there\n\n')
  })

  test('chunks are sent as they arrive, not at the end', async () => {
    const response = await run({ workflow_id: 'openai', input: { prompt: 'a b c d e f', delay_ms: 150 }, output_only: true })
    const { pieces } = await readPieces(response)
    const events = pieces.filter((p) => p.text.replace(/^id: .*\n/gm, '').startsWith('data:'))
    expect(events.length).toBeGreaterThanOrEqual(5)
    // Spread over time like the upstream's drip (~150 ms apart), not in one burst.
    expect(events.at(-1)!.at - events[0]!.at).toBeGreaterThan(500)
  })

  test('multi-byte UTF-8 split across network writes and CRLF line endings come through intact', async () => {
    const text = '안녕하세요 세계 你好世界 🎉🚀 ok'
    const response = await run({ workflow_id: 'openai', input: { prompt: 'x', text, split: 1, crlf: 1 }, output_only: true })
    const body = (await response.text()).replace(/^id: .*\n/gm, '')
    const chunks = body.split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''))
    expect(chunks.join('')).toBe(text)
    expect(body).not.toContain('\uFFFD')
  })

  test('a multi-line chunk becomes several data lines of one event', async () => {
    const response = await run({ workflow_id: 'openai', input: { prompt: 'x', chunks: JSON.stringify(['line1\nline2', 'x\r\ny']) }, output_only: true })
    expect((await response.text()).replace(/^id: .*\n/gm, '')).toBe('data: line1\ndata: line2\n\ndata: x\ndata: y\n\n')
  })

  test('sse-json sends each chunk as one JSON document', async () => {
    const response = await run({ workflow_id: 'json-chunks', output_only: true })
    expect((await response.text()).replace(/^id: .*\n/gm, '')).toBe(
      'data: {"index":0,"token":"a"}\n\ndata: {"index":1,"token":" b"}\n\ndata: {"index":2,"token":" c"}\n\n',
    )
  })

  test('a non-streaming upstream answer is a JSON result', async () => {
    const response = await run({ workflow_id: 'plain', input: { prompt: 'ping' } })
    const body = (await response.json()) as Record<string, unknown>
    expect(body.status).toBe('completed')
    expect(body.output).toBe('You said: ping')
    expect(typeof body.task_id).toBe('string')
    expect(body.task_id as string).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
  })

  test('a streaming output asked for without output_only is a 400 saying so', async () => {
    const response = await run({ workflow_id: 'openai', input: { prompt: 'x' } })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { detail: string }).detail).toContain('output_only')
  })

  test('a reset after the stream began is sent as an error event, and the server keeps serving', async () => {
    const response = await run({ workflow_id: 'openai', input: { prompt: 'a b c d', reset_after: 4, delay_ms: 30 }, output_only: true })
    const body = (await response.text()).replace(/^id: .*\n/gm, '')
    expect(body.startsWith('data: You\n\n')).toBe(true)
    expect(body).toMatch(/event: error\ndata: \{"detail":".*stream broke.*"\}\n\n$/)
    const again = await run({ workflow_id: 'plain', input: { prompt: 'still here' } })
    expect(((await again.json()) as { output: string }).output).toBe('You said: still here')
  })

  test('an aborted client aborts the upstream request within 100 ms', async () => {
    const controller = new AbortController()
    const response = await fetch(`${mc.url}/api/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_id: 'openai', input: { prompt: 'w '.repeat(200), key: 'abort', delay_ms: 50 }, output_only: true }),
      signal: controller.signal,
    })
    const reader = response.body!.getReader()
    await reader.read()
    await reader.read()
    const abortedAt = Date.now()
    controller.abort()
    const deadline = Date.now() + 2000
    while (upstream.stats('abort').cancelledAt === undefined && Date.now() < deadline) await Bun.sleep(5)
    const cancelledAt = upstream.stats('abort').cancelledAt
    expect(cancelledAt).toBeDefined()
    expect(cancelledAt! - abortedAt).toBeLessThan(100)
    const sent = upstream.stats('abort').eventsSent
    await Bun.sleep(300)
    expect(upstream.stats('abort').eventsSent).toBe(sent) // nothing more was produced
  })

  test('secrets never reach the logs', () => {
    expect(mc.logs()).not.toContain('sk-test-secret-value-123')
  })
})
