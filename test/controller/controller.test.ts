// The HTTP API of SPEC §4 against a spawned `mc up`: routes, status codes,
// JSON shapes, tasks, retries, timeouts, keep-alives, queueing, CORS.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
let mc: McProcess
let api: string

const compose = (u: string, port: number) => `
controller:
  port: ${port}
  base_path: /v2/api
  origins: https://app.example.com, https://other.example.com
  max_concurrent_count: 1

workflows:
  - id: chat
    title: Chat
    description: Streams an answer.
    default: true
    output: \${output as text;sse-text}
    jobs:
      - component: openai
  - id: echo
    title: Echo
    output:
      said: \${output}
      n: \${input.n as integer | 1}
    jobs:
      - component: shell-echo
  - id: flaky
    output: \${output as text;sse-text}
    jobs:
      - component: flaky
  - id: slow-head
    jobs:
      - component: slow-head
  - id: stall
    output: \${output as text;sse-text}
    jobs:
      - component: stall
  - id: conditional
    output: \${output as text;sse-text}
    jobs:
      - component: maybe-stream

components:
  - id: openai
    type: http-client
    base_url: ${u}/v1
    path: /chat/completions
    params: { delay_ms: "\${input.delay_ms | 0}" }
    body:
      messages: [{ role: user, content: "\${input.prompt as text}" }]
      stream: true
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: shell-echo
    type: shell
    command: [printf, "%s", "\${input.word as text @(required true)}"]
    output: \${stdout}
  - id: flaky
    type: http-client
    endpoint: ${u}/v1/chat/completions?key=\${input.key}&fail=\${input.fail}&status=\${input.status}&retry_after=\${input.retry_after | ""}
    max_retries: 2
    retry_delay: 0.05
    body: { stream: true, messages: [{ role: user, content: hi }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: slow-head
    type: shell
    command: sleep 5
    timeout: 0.3
  - id: stall
    type: http-client
    endpoint: ${u}/v1/chat/completions?stall_after=\${input.stall_after}&stall_ms=\${input.stall_ms}
    timeout: \${input.timeout | 5}
    body: { stream: true, messages: [{ role: user, content: a b c }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: maybe-stream
    type: http-client
    endpoint: ${u}/v1/chat/completions
    body:
      messages: [{ role: user, content: "\${input.prompt}" }]
      stream: \${input.stream | false}
    stream_format: json
    output: \${response[].choices[0].delta.content | \${response[].choices[0].message.content}}
`

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(upstream.url, port) }), [], port, { MC_SSE_KEEPALIVE_SECONDS: '0.2', MC_MAX_BODY_BYTES: '2000' }, '/v2/api')
  api = `${mc.url}/v2/api`
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
const json = async (r: Response) => (await r.json()) as Record<string, unknown>

describe('routes', () => {
  test('health under base_path', async () => {
    const r = await fetch(`${api}/health`)
    expect(r.status).toBe(200)
    expect(await r.json()).toEqual({ status: 'ok' })
  })
  test('workflow list, with and without schemas', async () => {
    const list = (await (await fetch(`${api}/workflows`)).json()) as Record<string, unknown>[]
    expect(list[0]).toEqual({ workflow_id: 'chat', title: 'Chat', default: true })
    expect(list.map((w) => w.workflow_id)).toEqual(['chat', 'echo', 'flaky', 'slow-head', 'stall', 'conditional'])
    const withSchema = (await (await fetch(`${api}/workflows?include_schema=true`)).json()) as Record<string, unknown>[]
    expect(withSchema[0]).toEqual({
      workflow_id: 'chat',
      title: 'Chat',
      default: true,
      description: 'Streams an answer.',
      input: [
        { name: 'delay_ms', type: 'number', default: 0, required: false },
        { name: 'prompt', type: 'text', required: false },
      ],
      output: { kind: 'value', type: 'text', format: 'sse-text' },
    })
  })
  test('schema of one workflow; 404 for an unknown one', async () => {
    const r = await fetch(`${api}/workflows/echo/schema`)
    expect(((await r.json()) as Record<string, unknown>).input).toEqual([
      { name: 'word', type: 'text', required: true },
      { name: 'n', type: 'integer', default: 1, required: false },
    ])
    const missing = await fetch(`${api}/workflows/nope/schema`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ detail: 'unknown workflow "nope" (workflows: chat, echo, flaky, slow-head, stall, conditional)' })
  })
  test('unknown route is a JSON 404', async () => {
    const r = await fetch(`${api}/nothing-here`)
    expect(r.status).toBe(404)
    expect(((await r.json()) as Record<string, unknown>).detail).toBeDefined()
  })
})

describe('runs', () => {
  test('waited run: {task_id, status, output}; output_only: the output alone', async () => {
    const full = await json(await post({ workflow_id: 'echo', input: { word: 'hi', n: '3' } }))
    expect(full.status).toBe('completed')
    expect(full.output).toEqual({ said: 'hi', n: 3 })
    const alone = await post({ workflow_id: 'echo', input: { word: 'hi' }, output_only: true })
    expect(await alone.json()).toEqual({ said: 'hi', n: 1 })
  })
  test('the default workflow runs when none is named', async () => {
    const r = await post({ input: { prompt: 'a b' }, output_only: true })
    expect((await r.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  a\n\ndata:  b\n\n')
  })
  test('not waited: pending at once, then the task completes', async () => {
    const started = await json(await post({ workflow_id: 'echo', input: { word: 'later' }, wait_for_completion: false }))
    expect(started.status).toBe('pending')
    let task: Record<string, unknown> = {}
    for (let i = 0; i < 100; i++) {
      task = await json(await fetch(`${api}/tasks/${started.task_id}`))
      if (task.status === 'completed') break
      await Bun.sleep(20)
    }
    expect(task).toEqual({ task_id: started.task_id, status: 'completed', output: { said: 'later', n: 1 } })
    const alone = await fetch(`${api}/tasks/${started.task_id}?output_only=true`)
    expect(await alone.json()).toEqual({ said: 'later', n: 1 })
  })
  test('a streamed run not waited for is collected into the task', async () => {
    const started = await json(await post({ workflow_id: 'chat', input: { prompt: 'x y' }, wait_for_completion: false }))
    let task: Record<string, unknown> = {}
    for (let i = 0; i < 100 && task.status !== 'completed'; i++) {
      await Bun.sleep(20)
      task = await json(await fetch(`${api}/tasks/${started.task_id}`))
    }
    expect(task.output).toBe('You said: x y')
  })
  test('failed task: status failed with error; output_only 500 with detail', async () => {
    const started = await json(await post({ workflow_id: 'slow-head', wait_for_completion: false }))
    let task: Record<string, unknown> = {}
    for (let i = 0; i < 100 && task.status !== 'failed'; i++) {
      await Bun.sleep(20)
      task = await json(await fetch(`${api}/tasks/${started.task_id}`))
    }
    expect(task.status).toBe('failed')
    expect(task.error).toContain('timed out')
    const alone = await fetch(`${api}/tasks/${started.task_id}?output_only=true`)
    expect(alone.status).toBe(500)
    expect(((await alone.json()) as Record<string, unknown>).detail).toContain('timed out')
  })
  test('unknown task 404', async () => {
    const r = await fetch(`${api}/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV`)
    expect(r.status).toBe(404)
  })
})

describe('bad requests get a 4xx JSON detail and the server keeps serving', () => {
  const cases: [string, unknown, number, RegExp][] = [
    ['invalid JSON', '{"input": ', 400, /not valid JSON/],
    ['body not an object', '[1,2]', 400, /expected a JSON object/],
    ['unknown field', { workflow: 'x' }, 400, /workflow: unknown field/],
    ['wrong flag type', { output_only: 'yes' }, 400, /output_only: expected true or false/],
    ['output_only without waiting', { output_only: true, wait_for_completion: false }, 400, /output_only needs wait_for_completion/],
    ['input not an object', { input: 'hello' }, 400, /input: expected an object/],
    ['unknown workflow', { workflow_id: 'nope' }, 404, /unknown workflow "nope"/],
    ['missing input its file marks @(required true)', { workflow_id: 'echo', input: {} }, 422, /input\.word: is required/],
    ['input of the wrong type', { workflow_id: 'echo', input: { word: 'x', n: 'many' } }, 422, /input\.n: expected an? (number|integer)/],
  ]
  for (const [name, body, status, detail] of cases) {
    test(name, async () => {
      const r = await post(body)
      expect(r.status).toBe(status)
      expect((await json(r)).detail as string).toMatch(detail)
    })
  }
  test('a body over the size limit is a 413', async () => {
    const r = await post({ workflow_id: 'echo', input: { word: 'x'.repeat(5000) } })
    expect(r.status).toBe(413)
    expect((await json(r)).detail as string).toMatch(/larger than 2000 bytes/)
  })
  test('still serving', async () => {
    expect((await fetch(`${api}/health`)).status).toBe(200)
  })
})

describe('upstream trouble', () => {
  test('503 twice then success: retried, the stream arrives whole', async () => {
    const r = await post({ workflow_id: 'flaky', input: { key: 'r1', fail: 2, status: 503 }, output_only: true })
    expect(r.status).toBe(200)
    expect((await r.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  hi\n\n')
    expect(upstream.stats('r1').requests).toBe(3)
  })
  test('429 with Retry-After is honoured', async () => {
    const started = performance.now()
    const r = await post({ workflow_id: 'flaky', input: { key: 'r2', fail: 1, status: 429, retry_after: 1 }, output_only: true })
    expect(await r.text()).toContain('data:  hi')
    expect(performance.now() - started).toBeGreaterThanOrEqual(950) // waited what the upstream asked, not retry_delay (50 ms)
  })
  test('retries exhausted: 502 naming the upstream status', async () => {
    const r = await post({ workflow_id: 'flaky', input: { key: 'r3', fail: 5, status: 503 }, output_only: true })
    expect(r.status).toBe(502)
    expect((await json(r)).detail as string).toMatch(/answered 503 Service Unavailable/)
    expect(upstream.stats('r3').requests).toBe(3)
  })
  test('no head within the timeout: 504', async () => {
    const r = await post({ workflow_id: 'stall', input: { stall_after: 0, stall_ms: 3000, timeout: 0.3 }, output_only: true })
    expect(r.status).toBe(504)
  })
  test('a stall mid-stream longer than the timeout: an error event ends the stream', async () => {
    const r = await post({ workflow_id: 'stall', input: { stall_after: 2, stall_ms: 3000, timeout: 1 }, output_only: true })
    expect(r.status).toBe(200)
    const body = (await r.text()).replace(/^id: .*\n/gm, '')
    expect(body).toStartWith('data: You\n\n')
    expect(body).toMatch(/event: error\ndata: \{"detail":".*sent nothing for 1s — \\"timeout\\" is 1 \(compose\.yml:69:14\): raise it to wait longer \(component stall\)"\}\n\n$/)
  })
  test('keep-alive comments go out while no chunk is ready', async () => {
    const r = await post({ workflow_id: 'stall', input: { stall_after: 2, stall_ms: 700, timeout: 5 }, output_only: true })
    const body = (await r.text()).replace(/^id: .*\n/gm, '')
    expect(body).toContain(': keep-alive\n\n')
    expect(body.replace(/: keep-alive\n\n/g, '')).toBe('data: You\n\ndata:  said:\n\ndata:  a\n\ndata:  b\n\ndata:  c\n\n')
  })
})

describe('streaming switched by input (seed §11.3.3)', () => {
  test('stream true, output_only: SSE', async () => {
    const r = await post({ workflow_id: 'conditional', input: { prompt: 'Hello', stream: true }, output_only: true, wait_for_completion: true })
    expect(r.headers.get('content-type')).toBe('text/event-stream')
    const text = await r.text()
    expect(text.replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Hello\n\n')
    // The head names the task (a client may cancel it before the first event): the events' ids are <task_id>:<seq>.
    const taskId = r.headers.get('x-task-id')
    expect(taskId).toMatch(/^[0-9A-Z]{26}$/)
    expect(text).toContain(`id: ${taskId}:1\n`)
  })
  test('stream false, not output_only: a JSON task result', async () => {
    const r = await post({ workflow_id: 'conditional', input: { prompt: 'Hello', stream: false }, wait_for_completion: true })
    const body = await json(r)
    expect(body.status).toBe('completed')
    expect(body.output).toBe('You said: Hello')
  })
  test('stream false, output_only: a single SSE event', async () => {
    const r = await post({ workflow_id: 'conditional', input: { prompt: 'Hello', stream: false }, output_only: true })
    expect(r.headers.get('content-type')).toBe('text/event-stream')
    expect((await r.text()).replace(/^id: .*\n/gm, '')).toBe('data: You said: Hello\n\n')
  })
})

describe('controller settings', () => {
  test('CORS: an allowed origin is echoed, preflight answered', async () => {
    const r = await fetch(`${api}/health`, { headers: { origin: 'https://app.example.com' } })
    expect(r.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    const pre = await fetch(`${api}/workflows/runs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://other.example.com', 'access-control-request-method': 'POST' },
    })
    expect(pre.status).toBeLessThan(300)
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://other.example.com')
    const denied = await fetch(`${api}/health`, { headers: { origin: 'https://evil.example.com' } })
    expect(denied.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com')
  })
  test('max_concurrent_count queues runs instead of rejecting them', async () => {
    const first = post({ workflow_id: 'chat', input: { prompt: 'one two three four five', delay_ms: 100 }, output_only: true })
    await Bun.sleep(100)
    const queued = await json(await post({ workflow_id: 'echo', input: { word: 'second' }, wait_for_completion: false }))
    await Bun.sleep(150)
    const whileBusy = await json(await fetch(`${api}/tasks/${queued.task_id}`))
    expect(whileBusy.status).toBe('pending')
    expect(await (await first).text()).toContain('five')
    let task: Record<string, unknown> = {}
    for (let i = 0; i < 100 && task.status !== 'completed'; i++) {
      await Bun.sleep(20)
      task = await json(await fetch(`${api}/tasks/${queued.task_id}`))
    }
    expect(task.output).toEqual({ said: 'second', n: 1 })
  })
})
