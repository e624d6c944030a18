// model-compose 0.4.92's REST + WebSocket pattern (chapter 8.5) and the chunks
// of a subscribed task, on a real `mc up` with a plain WebSocket client: an
// HTTP run naming the socket's session (`?session_id=`, `"subscribe_task":
// true`) has its states, job events and chunks pushed to that socket; the
// combinations model-compose refuses answer 400 naming the field, and start
// nothing. `subscribe_task` on a streaming task sends its chunks from where
// the stream is (or, with `after_seq`, the recorded ones after it), read at
// the client's pace, before the final state.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { chatEchoCompose, words } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { connect, finalState, type Message, type SocketClient } from './socket-client.ts'

let upstream: Upstream
let mc: McProcess
let ws: string
const clients: SocketClient[] = []

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': chatEchoCompose(port, upstream.url, { key: 'rest-sub', delayMs: 5 }) }), [], port)
  ws = `ws://127.0.0.1:${port}/api/ws`
})
afterAll(async () => {
  for (const c of clients) c.close()
  await mc?.stop()
  upstream?.stop()
})

async function client(url = ws): Promise<SocketClient> {
  const c = await connect(url)
  clients.push(c)
  return c
}
const runs = (query: string, body: unknown) => fetch(`${mc.api}/workflows/runs${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const chunksOf = (c: SocketClient, taskId: string) => c.messages.filter((m) => m.type === 'task_chunk' && m.data.task_id === taskId)
const textOf = (chunks: Message[]) => chunks.map((m) => m.data.data).join('')
const seqsOf = (chunks: Message[]) => chunks.map((m) => m.data.seq as number)
const contiguous = (seqs: number[]) => seqs.every((seq, i) => i === 0 || seq === seqs[i - 1]! + 1)

describe('an HTTP run naming a WebSocket session', () => {
  test('answers pending at once; its socket gets the pending state, then processing, its jobs, every chunk, and the outcome last', async () => {
    const c = await client(`${ws}?session=my-session-id`)
    const response = await runs('?session_id=my-session-id', { workflow_id: 'chat', input: { prompt: words(12) }, wait_for_completion: false, subscribe_task: true })
    expect(response.status).toBe(200)
    const { task_id: taskId, status } = (await response.json()) as { task_id: string; status: string }
    expect(status).toBe('pending')
    const done = await c.next(finalState(taskId))
    expect(done.data).toMatchObject({ task_id: taskId, workflow_id: 'chat', status: 'completed', output: `You said: ${words(12)}` })
    const lifecycle = c.messages.filter((m) => m.type === 'task_state' || m.type === 'job_event').map((m) => `${m.type}:${m.data.status ?? m.data.event}`)
    // States come from the task store, job events as the jobs run: each in its order, the outcome last.
    expect(lifecycle.filter((l) => l.startsWith('task_state'))).toEqual(['task_state:pending', 'task_state:processing', 'task_state:completed'])
    expect(lifecycle.filter((l) => l.startsWith('job_event'))).toEqual(['job_event:started', 'job_event:completed'])
    expect(lifecycle.slice(0, 1).concat(lifecycle.slice(-1))).toEqual(['task_state:pending', 'task_state:completed'])
    const chunks = chunksOf(c, taskId)
    expect(seqsOf(chunks)[0]).toBe(1)
    expect(contiguous(seqsOf(chunks))).toBe(true)
    expect(textOf(chunks)).toBe(`You said: ${words(12)}`)
    expect(c.messages.indexOf(done)).toBeGreaterThan(c.messages.indexOf(chunks.at(-1)!))
  })

  test('a workflow that does not stream: its states and output, no chunks', async () => {
    const c = await client(`${ws}?session=plain`)
    const response = await runs('?session_id=plain', { workflow_id: 'echo', input: { word: 'plain' }, wait_for_completion: false, subscribe_task: true })
    const { task_id: taskId } = (await response.json()) as { task_id: string }
    expect((await c.next(finalState(taskId))).data).toMatchObject({ status: 'completed', output: { said: 'plain' } })
    expect(c.messages[0]).toMatchObject({ type: 'task_state', data: { task_id: taskId, status: 'pending' } })
    expect(chunksOf(c, taskId)).toEqual([])
  })

  test('model-compose\'s refusals answer 400 naming the field', async () => {
    await client(`${ws}?session=s2`)
    const refused = async (query: string, body: Record<string, unknown>) => {
      const response = await runs(query, { workflow_id: 'echo', input: { word: 'x' }, ...body })
      expect(response.status).toBe(400)
      return ((await response.json()) as { detail: string }).detail
    }
    expect(await refused('?session_id=s2', { subscribe_task: true })).toBe('subscribe_task: true needs wait_for_completion: false')
    expect(await refused('', { subscribe_task: true, wait_for_completion: false })).toStartWith('session_id: subscribe_task: true needs the query parameter ?session_id=')
    expect(await refused('?session_id=nobody', { subscribe_task: true, wait_for_completion: false })).toBe('session_id: no WebSocket connection of session "nobody" is open')
    expect(await refused(`?session_id=${'x'.repeat(200)}`, { subscribe_task: true, wait_for_completion: false })).toStartWith('session_id:')
    expect(await refused('', { subscribe_task: 'yes' })).toBe('subscribe_task: expected true or false, got "yes"')
    // Without subscribe_task, session_id is ignored as model-compose ignores it.
    expect((await runs('?session_id=nobody', { workflow_id: 'echo', input: { word: 'x' } })).status).toBe(200)
  })
})

describe('subscribe_task on a streaming task', () => {
  test('joins the stream where it is: contiguous chunks (none twice) to its end, then the final state', async () => {
    const response = await runs('', { workflow_id: 'chat', input: { prompt: words(60), delay_ms: 20 }, wait_for_completion: false })
    const { task_id: taskId } = (await response.json()) as { task_id: string }
    const c = await client()
    c.send({ type: 'subscribe_task', id: 'sub', data: { task_id: taskId } })
    expect((await c.next((m) => m.id === 'sub')).type).toBe('task_subscribed')
    const done = await c.next(finalState(taskId))
    const output = String(done.data.output)
    const chunks = chunksOf(c, taskId)
    expect(chunks.length).toBeGreaterThan(0)
    expect(contiguous(seqsOf(chunks))).toBe(true)
    expect(output.endsWith(textOf(chunks))).toBe(true)
    expect(c.messages.indexOf(done)).toBeGreaterThan(c.messages.indexOf(chunks.at(-1)!))
  })

  test('after_seq: 0 replays the recorded chunks from the first; a bad after_seq is INVALID_REQUEST naming it', async () => {
    const response = await runs('', { workflow_id: 'chat', input: { prompt: words(30), delay_ms: 10 }, wait_for_completion: false })
    const { task_id: taskId } = (await response.json()) as { task_id: string }
    const c = await client()
    c.send({ type: 'subscribe_task', id: 'bad', data: { task_id: taskId, after_seq: -1 } })
    expect((await c.next((m) => m.id === 'bad')).data).toEqual({ code: 'INVALID_REQUEST', message: 'data.after_seq: expected a whole number, 0 or more (the seq of the last chunk seen), got -1' })
    c.send({ type: 'subscribe_task', id: 'sub', data: { task_id: taskId, after_seq: 0 } })
    const done = await c.next(finalState(taskId))
    const chunks = chunksOf(c, taskId)
    expect(seqsOf(chunks)[0]).toBe(1)
    expect(contiguous(seqsOf(chunks))).toBe(true)
    expect(textOf(chunks)).toBe(`You said: ${words(30)}`)
    expect(done.data.output).toBe(`You said: ${words(30)}`)
  })
})
