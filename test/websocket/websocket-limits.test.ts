// The WebSocket endpoint's guards, on a real `mc up` with MC_API_KEY set: the
// key (a header, or the subprotocol a browser can send; never the URL), a
// message past MC_WS_MAX_MESSAGE_BYTES, runs per connection, and a client that
// stops reading: its run pauses and so does the upstream (mc reads only what
// the client takes); past MC_WS_STALL_SECONDS the connection is closed and the
// run cancelled, which the upstream sees.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { connect as tcpConnect, type Socket } from 'node:net'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { memoryOf } from '../support/process-memory.ts'
import { chatEchoCompose, until, words } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { connect, finalState } from './socket-client.ts'

const KEY = 'ws-test-key-0123456789'
let upstream: Upstream
let mc: McProcess
let port: number
let ws: string

beforeAll(async () => {
  upstream = startUpstream()
  port = freePort()
  const compose = chatEchoCompose(port, upstream.url, { key: 'lim', delayMs: 20 }).replace(
    'components:',
    `  - id: bulk
    output: \${output as text;sse-text}
    jobs:
      - component: bulk
components:
  - id: bulk
    type: http-client
    endpoint: ${upstream.url}/bulk?chunk_bytes=65536&count=16384&key=ws-slow
    stream_format: text
    output: \${response[]}`,
  )
  const env = { MC_API_KEY: KEY, MC_WS_MAX_MESSAGE_BYTES: '64KiB', MC_WS_MAX_RUNS_PER_CONNECTION: '2', MC_WS_MAX_SUBSCRIPTIONS: '3', MC_WS_STALL_SECONDS: '3' }
  mc = await startMc(composeDir({ 'compose.yml': compose }), [], port, env)
  ws = `ws://127.0.0.1:${port}/api/ws`
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const bearer = { authorization: `Bearer ${KEY}` }

describe('the API key', () => {
  test('without it, or with a wrong one, the upgrade is refused (401); the key is never logged', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/api/ws`, { headers: { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } })).status).toBe(401)
    await expect(connect(ws)).rejects.toThrow('could not connect')
    await expect(connect(ws, { protocols: ['mc', 'mc-key.wrong'] })).rejects.toThrow('could not connect')
    await expect(connect(`${ws}?api_key=${KEY}`)).rejects.toThrow('could not connect') // not in URLs: they reach access logs
    expect(mc.logs()).not.toContain(KEY)
  })

  test('as a header (programs) or as the subprotocol mc-key.<key> beside mc (browsers): mc answers "mc"', async () => {
    const program = await connect(ws, { headers: bearer })
    const browser = await connect(ws, { protocols: ['mc', `mc-key.${KEY}`] })
    expect(browser.ws.protocol).toBe('mc')
    for (const c of [program, browser]) {
      c.send({ type: 'run_workflow', id: 'r', data: { workflow_id: 'echo', input: { word: 'ok' } } })
      expect((await c.next((m) => m.type === 'task_state' && m.data.status !== 'processing')).data).toMatchObject({ status: 'completed', output: { said: 'ok' } })
      c.close()
    }
  })
})

describe('bounds', () => {
  test('a message past MC_WS_MAX_MESSAGE_BYTES closes the connection with 1009; mc serves on', async () => {
    const c = await connect(ws, { headers: bearer })
    c.send({ type: 'ping', data: { padding: 'x'.repeat(70 * 1024) } })
    expect((await c.closed).code).toBe(1009)
    const next = await connect(ws, { headers: bearer })
    next.send({ type: 'ping', id: 'p' })
    expect((await next.next((m) => m.id === 'p')).type).toBe('pong')
    next.close()
  })

  test('past MC_WS_MAX_RUNS_PER_CONNECTION runs waited for at once: BUSY; background runs are not counted', async () => {
    const c = await connect(ws, { headers: bearer })
    for (const id of ['a', 'b', 'c']) c.send({ type: 'run_workflow', id, data: { workflow_id: 'chat', input: { prompt: words(30), key: `busy-${id}`, delay_ms: 50 } } })
    expect((await c.next((m) => m.id === 'c')).data).toEqual({ code: 'BUSY', message: 'this connection already follows 2 runs (MC_WS_MAX_RUNS_PER_CONNECTION) and 2 tasks (MC_WS_MAX_SUBSCRIPTIONS): wait for one to end, or run with "subscribe_task": false' })
    c.send({ type: 'run_workflow', id: 'd', data: { workflow_id: 'echo', input: { word: 'x' }, subscribe_task: false } })
    expect((await c.next((m) => m.id === 'd')).type).toBe('workflow_started')
    c.close()
  })
})

describe('subscriptions', () => {
  test('past MC_WS_MAX_SUBSCRIPTIONS tasks followed at once: BUSY', async () => {
    const c = await connect(ws, { headers: bearer })
    const ids: string[] = []
    for (const n of [1, 2, 3, 4]) {
      c.send({ type: 'run_workflow', id: `bg${n}`, data: { workflow_id: 'chat', input: { prompt: words(40), key: `sub-${n}`, delay_ms: 50 }, subscribe_task: false } })
      ids.push((await c.next((m) => m.id === `bg${n}`)).data.task_id as string)
    }
    for (const [n, id] of ids.entries()) c.send({ type: 'subscribe_task', id: `s${n}`, data: { task_id: id } })
    for (const n of [0, 1, 2]) expect((await c.next((m) => m.id === `s${n}`)).type).toBe('task_subscribed')
    expect((await c.next((m) => m.id === 's3')).data).toEqual({ code: 'BUSY', message: 'this connection already follows 3 tasks (MC_WS_MAX_SUBSCRIPTIONS): unsubscribe from one first' })
    c.close()
  })
})

/** A WebSocket client that upgrades, then reads nothing more (TCP back-pressure reaches mc). */
async function stalledClient(message: unknown): Promise<Socket> {
  const socket = tcpConnect(port, '127.0.0.1')
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()))
  socket.write(`GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${KEY}\r\n\r\n`)
  await answered
  socket.pause()
  const payload = Buffer.from(JSON.stringify(message))
  // A client's frame is masked (a zero mask leaves the payload as it is).
  const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
  socket.write(Buffer.concat([head, Buffer.alloc(4), payload]))
  return socket
}

describe('a client that stops reading', () => {
  test('its run and the upstream pause; past MC_WS_STALL_SECONDS it is closed and the upstream sees the run cancelled', async () => {
    const socket = await stalledClient({ type: 'run_workflow', id: 'slow', data: { workflow_id: 'bulk' } })
    await until('the upstream to start sending', () => upstream.stats('ws-slow').eventsSent > 0)
    // The sockets' buffers fill (a few MiB), then mc stops pulling: the upstream is held back.
    let sent = -1
    await until('the upstream to be held back', async () => {
      const now = upstream.stats('ws-slow').eventsSent
      const still = now === sent
      sent = now
      await Bun.sleep(300)
      return still
    })
    expect(sent * 64).toBeLessThan(64 * 1024) // less than 64 MiB of its 1 GiB went out
    expect(memoryOf(mc.proc.pid).peakMb).toBeLessThan(200)
    await until('mc to give up on the client and cancel the run', () => upstream.stats('ws-slow').cancelledAt !== undefined, 15_000)
    socket.destroy()
  })
})

test('the final state of a run reaches a client that reads', async () => {
  const c = await connect(ws, { headers: bearer })
  c.send({ type: 'run_workflow', id: 'x', data: { workflow_id: 'chat', input: { prompt: 'a b' } } })
  const taskId = (await c.next((m) => m.type === 'workflow_started')).data.task_id as string
  expect((await c.next(finalState(taskId))).data.output).toBe('You said: a b')
  c.close()
})
