// A /v1 stream whose first chunk is slow to come: a `: keep-alive` comment
// goes out first (within FIRST_KEEP_ALIVE_MS, core/http/sse.ts, though
// MC_SSE_KEEPALIVE_SECONDS stays at its 15 s), as every SSE answer of mc's
// does, so a proxy or client gets the headers and a first byte while the model
// thinks. The upstream holds its tokens until the test has seen the comment:
// had it not come, the test would never release them.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { startOnMcPort, workflowsDir } from './openai-compose.ts'

let upstream: Upstream
let mc: McProcess

beforeAll(async () => {
  upstream = startUpstream()
  mc = await startOnMcPort(workflowsDir(upstream.url), { USAGE_CHUNKS: '[]' })
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

test('a keep-alive comes before a slow first chunk; the chunks follow, then [DONE]', async () => {
  // chat-gated: the upstream sends its role-only event at once (no content: no chunk), each later one when released.
  const response = await fetch(`${mc.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat-gated', messages: [{ role: 'user', content: 'one two three' }], stream: true }),
  })
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  expect(response.headers.get('x-accel-buffering')).toBe('no')
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes('\n\n')) text += decoder.decode((await reader.read()).value, { stream: true })
  expect(text).toBe(': keep-alive\n\n')
  // The words of "You said: one two three", the finish event and [DONE].
  for (let i = 0; i < 7; i++) upstream.release('abort')
  for (let read = await reader.read(); !read.done; read = await reader.read()) text += decoder.decode(read.value, { stream: true })
  const events = text.split('\n\n').filter(Boolean)
  expect(events[0]).toBe(': keep-alive')
  expect(events.at(-1)).toBe('data: [DONE]')
  const chunks = events.slice(1, -1).filter((e) => e.startsWith('data: ')).map((e) => JSON.parse(e.slice('data: '.length)))
  expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('You said: one two three')
})
