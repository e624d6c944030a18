// An interrupt in a run whose client waits on SSE (output_only, a streamed
// workflow): as model-compose does, the client is answered at once with the
// task's JSON (202, status interrupted, the point) — not a stream. Once
// resumed, the run streams on by itself, recorded: GET /tasks/{id}/stream
// gives its events, and the task completes with the text collected.

import { afterAll, beforeAll, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { readSseEvents } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
let requests = 0
let mc: McProcess
let api: string

const compose = (port: number, upstreamUrl: string) => `
controller:
  port: ${port}
  base_path: /api
workflow:
  output: \${output as text;sse-text}
  jobs:
    - id: answer
      component: chat
      interrupt:
        before:
          message: "Send \${job.input.prompt} to the model?"
components:
  - id: chat
    type: http-client
    endpoint: ${upstreamUrl}/v1/chat/completions
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
`

beforeAll(async () => {
  upstream = startUpstream({ onRequest: () => requests++ })
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port, upstream.url) }), [], port)
  api = `${mc.url}/api`
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const send = (path: string, body: unknown) => fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

test('a streaming client gets the interrupt as JSON; once resumed the stream is followed from the task', async () => {
  const waited = await send('/workflows/runs', { input: { prompt: 'one two three' }, output_only: true })
  expect(waited.status).toBe(202)
  expect(waited.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await waited.json()) as Record<string, any>
  expect(body).toEqual({ task_id: expect.any(String), status: 'interrupted', interrupt: { job_id: 'answer', run_id: null, phase: 'before', message: 'Send one two three to the model?', metadata: null } })
  // The model was not called before the answer.
  expect(requests).toBe(0)
  const id = body.task_id as string
  expect(await (await send(`/tasks/${id}/resume`, { job_id: 'answer' })).json()).toEqual({ task_id: id, status: 'processing' })
  const events = await readSseEvents(await fetch(`${api}/tasks/${id}/stream`))
  expect(events.map((event) => event.data).join('')).toBe('You said: one two three')
  expect(events.every((event) => event.id?.startsWith(`${id}:`))).toBe(true)
  expect(await (await fetch(`${api}/tasks/${id}`)).json()).toEqual({ task_id: id, status: 'completed', output: 'You said: one two three' })
  expect(requests).toBe(1)
})
