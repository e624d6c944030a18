// The WebSocket interface (model-compose 0.4.92's chapter 8, reference/websocket.md)
// on a real `mc up`, talked to with Bun's built-in WebSocket as a browser would:
// run_workflow streams a run's chunks then its outcome; a failing run says why;
// cancel_task and a closing socket stop the run and its upstream; the task
// messages (get_task, subscribe_task, unsubscribe_task, ping) and errors keep
// model-compose's shapes; `?session=` and `max_connection_count` close with its codes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { chatEchoCompose, until, words } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { connect, finalState, type Message, type SocketClient } from './socket-client.ts'

let upstream: Upstream
let mc: McProcess
let ws: string
let api: string

const compose = (port: number) =>
  `${chatEchoCompose(port, upstream.url, { key: 'ws', delayMs: 20 })}
  - id: items
    type: http-client
    endpoint: ${upstream.url}/ndjson?text=a%20b
    stream_format: json
    output: \${response[]}
  - id: broken
    type: http-client
    endpoint: ${upstream.url}/json?fail=1000000&status=404&key=ws-fail
`.replace(
    'components:',
    `  - id: failing
    jobs:
      - component: broken
  - id: items
    output: \${output as json;sse-json}
    jobs:
      - component: items
  - id: review
    jobs:
      - id: ask
        component: echo
        input: { word: "\${input.word}" }
        interrupt:
          before:
            message: Approve?
    output: \${jobs.ask.output}
components:`,
  )

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port).replace('controller:\n', 'controller:\n  websocket: { max_connection_count: 3 }\n') }), [], port)
  ws = `ws://127.0.0.1:${port}/api/ws`
  api = `${mc.url}/api`
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const open: SocketClient[] = []
async function client(url = ws): Promise<SocketClient> {
  const c = await connect(url)
  open.push(c)
  return c
}
const closeAll = () => open.splice(0).forEach((c) => c.close())

const startedOf = async (c: SocketClient, id: string) => (await c.next((m) => m.type === 'workflow_started' && m.id === id)).data.task_id as string
const taskOf = async (id: string) => (await (await fetch(`${api}/tasks/${id}`)).json()) as Record<string, unknown>

describe('running a workflow', () => {
  test('run_workflow: workflow_started, each chunk as the upstream sent it, then the completed state with the whole output', async () => {
    const c = await client()
    c.send({ type: 'run_workflow', id: 'msg-001', data: { workflow_id: 'chat', input: { prompt: 'Hello, AI!' }, metadata: { user: 'alice' } } })
    const taskId = await startedOf(c, 'msg-001')
    const started = c.messages.find((m) => m.type === 'workflow_started')!
    expect(started.data).toEqual({ task_id: taskId, workflow_id: 'chat', status: 'pending' })
    expect(Date.parse(started.timestamp)).toBeGreaterThan(0)
    const done = await c.next(finalState(taskId))
    const chunks = c.messages.filter((m) => m.type === 'task_chunk')
    expect(chunks.map((m) => m.data.data)).toEqual(['You', ' said:', ' Hello,', ' AI!'])
    expect(chunks.map((m) => m.data.seq)).toEqual([1, 2, 3, 4])
    expect(c.messages.indexOf(done)).toBeGreaterThan(c.messages.indexOf(chunks.at(-1)!)) // the result comes last
    // Before the chunks: the run took its slot (processing), and its job started and handed its stream on.
    const lifecycle = c.messages.filter((m) => m.type === 'task_state' || m.type === 'job_event').map((m) => `${m.type}:${m.data.status ?? m.data.event}`)
    expect(lifecycle).toEqual(['task_state:processing', 'job_event:started', 'job_event:completed', 'task_state:completed'])
    expect(c.messages.find((m) => m.type === 'job_event' && m.data.event === 'completed')!.data).toMatchObject({ task_id: taskId, workflow_id: 'chat', job_id: '__job__' })
    expect(done.data).toEqual({ task_id: taskId, workflow_id: 'chat', status: 'completed', output: 'You said: Hello, AI!', metadata: { user: 'alice' } })
    expect(await taskOf(taskId)).toMatchObject({ status: 'completed', output: 'You said: Hello, AI!' })
    closeAll()
  })

  test('an sse-json stream: each chunk is its JSON value', async () => {
    const c = await client()
    c.send({ type: 'run_workflow', id: 'j', data: { workflow_id: 'items' } })
    const taskId = await startedOf(c, 'j')
    await c.next(finalState(taskId))
    expect(c.messages.filter((m) => m.type === 'task_chunk').map((m) => m.data.data)).toEqual([{ index: 0, token: 'a' }, { index: 1, token: ' b' }])
    closeAll()
  })

  test('a workflow that does not stream answers its output in the completed state', async () => {
    const c = await client()
    c.send({ type: 'run_workflow', id: 'e', data: { workflow_id: 'echo', input: { word: 'hi' } } })
    const taskId = await startedOf(c, 'e')
    expect((await c.next(finalState(taskId))).data).toEqual({ task_id: taskId, workflow_id: 'echo', status: 'completed', output: { said: 'hi' } })
    closeAll()
  })

  test('a failing run: the failed state carries its error message', async () => {
    const c = await client()
    c.send({ type: 'run_workflow', id: 'f', data: { workflow_id: 'failing' } })
    const taskId = await startedOf(c, 'f')
    const failed = await c.next(finalState(taskId))
    expect(failed.data.status).toBe('failed')
    expect(c.messages.find((m) => m.type === 'job_event' && m.data.event === 'failed')!.data.error).toBe(failed.data.error)
    expect(String(failed.data.error)).toContain('404')
    expect(String(failed.data.error)).toContain('try again later') // the upstream's own message
    expect((await taskOf(taskId)).error).toBe(failed.data.error)
    closeAll()
  })

  test('subscribe_task: false is a background run: the client gets its task id, and the run goes on without it', async () => {
    const c = await client()
    c.send({ type: 'run_workflow', id: 'bg', data: { workflow_id: 'chat', input: { prompt: words(5) }, subscribe_task: false } })
    const taskId = await startedOf(c, 'bg')
    c.close()
    await until('the background run to end', async () => (await taskOf(taskId)).status === 'completed')
    expect((await taskOf(taskId)).output).toBe(`You said: ${words(5)}`)
  })
})

describe('cancelling', () => {
  test('cancel_task stops the run and its upstream; the run ends as failed: cancelled', async () => {
    const c = await client()
    c.send({ type: 'run_workflow', id: 'long', data: { workflow_id: 'chat', input: { prompt: words(400), key: 'ws-cancel', delay_ms: 50 } } })
    const taskId = await startedOf(c, 'long')
    await c.next((m) => m.type === 'task_chunk' && m.data.task_id === taskId)
    c.send({ type: 'cancel_task', id: 'stop', data: { task_id: taskId } })
    expect((await c.next((m) => m.id === 'stop')).type).toBe('task_cancelled')
    expect((await c.next(finalState(taskId))).data).toMatchObject({ status: 'failed', error: 'cancelled' })
    await until('the upstream to see the cancel', () => upstream.stats('ws-cancel').cancelledAt !== undefined)
    expect(upstream.stats('ws-cancel').eventsSent).toBeLessThan(400)
    closeAll()
  })

  test('a socket that closes cancels the runs it waits for: the upstream sees the disconnect', async () => {
    const c = await client()
    c.send({ type: 'run_workflow', id: 'gone', data: { workflow_id: 'chat', input: { prompt: words(400), key: 'ws-gone', delay_ms: 50 } } })
    const taskId = await startedOf(c, 'gone')
    await c.next((m) => m.type === 'task_chunk' && m.data.task_id === taskId)
    c.close()
    await until('the upstream to see the disconnect', () => upstream.stats('ws-gone').cancelledAt !== undefined)
    await until('the task to end', async () => (await taskOf(taskId)).status === 'failed')
    expect((await taskOf(taskId)).error).toBe('cancelled: the client went away')
  })
})

describe('task messages', () => {
  test('get_task, subscribe_task on a task started over HTTP, unsubscribe_task, ping', async () => {
    const response = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: 'chat', input: { prompt: words(20), delay_ms: 50 }, wait_for_completion: false }) })
    const { task_id: taskId } = (await response.json()) as { task_id: string }
    const c = await client()
    c.send({ type: 'subscribe_task', id: 'sub', data: { task_id: taskId } })
    const subscribed = await c.next((m) => m.id === 'sub')
    expect(subscribed.type).toBe('task_subscribed')
    expect(subscribed.data).toMatchObject({ task_id: taskId, state: { task_id: taskId } })
    expect((await c.next(finalState(taskId))).data).toMatchObject({ status: 'completed', output: `You said: ${words(20)}` })
    c.send({ type: 'get_task', id: 'get', data: { task_id: taskId } })
    expect(await c.next((m) => m.id === 'get')).toMatchObject({ type: 'task_state', data: { task_id: taskId, status: 'completed' } })
    c.send({ type: 'unsubscribe_task', id: 'unsub', data: { task_id: taskId } })
    expect(await c.next((m) => m.id === 'unsub')).toMatchObject({ type: 'task_unsubscribed', data: { task_id: taskId } })
    c.send({ type: 'ping', id: 'msg-006' })
    expect(await c.next((m) => m.id === 'msg-006')).toMatchObject({ type: 'pong', data: {} })
    closeAll()
  })

  test('a run that waits for a human: interrupted, resume_task (a wrong job is JOB_ID_MISMATCH), then its outcome', async () => {
    const c = await client()
    c.send({ type: 'run_workflow', id: 'rv', data: { workflow_id: 'review', input: { word: 'draft' } } })
    const taskId = await startedOf(c, 'rv')
    const waiting = await c.next((m) => m.type === 'task_state' && m.data.status === 'interrupted')
    expect(waiting.data).toMatchObject({ task_id: taskId, interrupt: { job_id: 'ask', run_id: null, phase: 'before', message: 'Approve?' } })
    c.send({ type: 'resume_task', id: 'wrong', data: { task_id: taskId, job_id: 'other', answer: null } })
    expect((await c.next((m) => m.id === 'wrong')).data).toMatchObject({ code: 'JOB_ID_MISMATCH' })
    c.send({ type: 'resume_task', id: 'ok', data: { task_id: taskId, job_id: 'ask', run_id: null, answer: { word: 'approved' } } })
    expect(await c.next((m) => m.id === 'ok')).toMatchObject({ type: 'task_resumed', data: { task_id: taskId, status: 'processing' } })
    expect((await c.next(finalState(taskId))).data).toMatchObject({ status: 'completed', output: 'approved' })
    c.send({ type: 'resume_task', id: 'again', data: { task_id: taskId, job_id: 'ask' } })
    expect((await c.next((m) => m.id === 'again')).data).toMatchObject({ code: 'TASK_NOT_INTERRUPTED' })
    closeAll()
  })

  test('?task= subscribes on connect', async () => {
    const response = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: 'echo', input: { word: 'x' }, wait_for_completion: false }) })
    const { task_id: taskId } = (await response.json()) as { task_id: string }
    const c = await client(`${ws}?task=${taskId}`)
    expect((await c.next((m) => m.type === 'task_subscribed')).data.task_id).toBe(taskId)
    closeAll()
  })

  test('requests that cannot be done answer an error naming the field, with model-compose codes; the connection stays', async () => {
    const c = await client()
    const errorOf = async (message: unknown, id?: string): Promise<Message['data']> => {
      const from = c.messages.length
      c.send(message)
      return (await c.next((m) => m.type === 'error' && (id === undefined || m.id === id), from)).data
    }
    expect(await errorOf('{"type": "run_workflow", ')).toEqual({ code: 'INVALID_REQUEST', message: 'message: expected a JSON object {"type", "id", "data"}, got text that is not JSON: "{\\"type\\": \\"run_workflow\\", "' })
    expect(await errorOf({ type: 'run_workflow', id: 'w', data: { workflow_id: 'invalid-workflow' } }, 'w')).toEqual({ code: 'WORKFLOW_NOT_FOUND', message: 'unknown workflow "invalid-workflow" (workflows: chat, echo, failing, items, review)' })
    expect(await errorOf({ type: 'run_workflow', id: 'i', data: { input: [1] } }, 'i')).toEqual({ code: 'INVALID_REQUEST', message: 'data.input: expected an object of named values' })
    expect(await errorOf({ type: 'get_task', id: 't', data: { task_id: 'nope' } }, 't')).toEqual({ code: 'TASK_NOT_FOUND', message: "Task 'nope' not found" })
    expect(await errorOf({ type: 'get_task', id: 'n', data: {} }, 'n')).toEqual({ code: 'INVALID_REQUEST', message: 'data.task_id: expected the id of a task (a string)' })
    expect((await errorOf({ type: 'subscribe', id: 'u' }, 'u')).message).toStartWith('type: unknown message type "subscribe"')
    c.send({ type: 'ping', id: 'still' })
    expect((await c.next((m) => m.id === 'still')).type).toBe('pong')
    closeAll()
  })
})

describe('connections', () => {
  test('a second connection of the same ?session= is closed with 4409; past max_connection_count, 4429', async () => {
    await client(`${ws}?session=abc`)
    const duplicate = await connect(`${ws}?session=abc`)
    expect((await duplicate.closed).code).toBe(4409)
    await client()
    await client()
    const extra = await connect(ws)
    expect(await extra.closed).toEqual({ code: 4429, reason: 'Too many connections' })
    closeAll()
  })

  test('websocket: false: no endpoint', async () => {
    const port = freePort()
    const off = await startMc(composeDir({ 'compose.yml': `controller:\n  adapter:\n    type: http-server\n    port: ${port}\n    websocket: false\n${'workflow:\n  jobs:\n    - { component: echo }\ncomponent:\n  id: echo\n  type: shell\n  command: [echo, hi]\n'}` }), [], port)
    try {
      expect((await fetch(`http://127.0.0.1:${port}/api/ws`)).status).toBe(404)
    } finally {
      await off.stop()
    }
  })
})
