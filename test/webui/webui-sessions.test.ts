// Gradio sessions of the Web UI are bounded: bad joins are refused without a
// trace, sessions are counted, an unread session's runs pause and then expire
// (their upstream requests cancelled), a reader of an unknown session is
// answered at once, quiet streams carry heartbeats, and a session's messages
// go only to the client that joined it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream

const compose = (port: number, uiPort: number, u: string) => `
controller:
  port: ${port}
  webui:
    port: ${uiPort}
workflows:
  - id: slow
    output: \${output as text;sse-text}
    jobs:
      - component: slow
  - id: big
    output: \${output as text;sse-text}
    jobs:
      - component: big
components:
  - id: slow
    type: http-client
    endpoint: ${u}/v1/chat/completions?text=one%20two&key=\${input.key as text | slow}&delay_ms=\${input.delay as integer | 200}
    body: { stream: true }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: big
    type: http-client
    endpoint: ${u}/bulk?chunk_bytes=65536&count=4096&key=\${input.key as text}
    stream_format: text
    output: \${response[]}
`

async function startUi(env: Record<string, string>): Promise<{ mc: McProcess; ui: string }> {
  const port = freePort()
  const uiPort = freePort()
  const mc = await startMc(composeDir({ 'compose.yml': compose(port, uiPort, upstream.url) }), [], port, env)
  const ui = `http://127.0.0.1:${uiPort}/gradio_api`
  for (let i = 0; i < 100 && !(await fetch(`${ui}/info`).then((r) => r.ok).catch(() => false)); i++) await Bun.sleep(50)
  return { mc, ui }
}

const join = (ui: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${ui}/queue/join`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

/** The messages of a session's stream until it ends (or `stopAt` says so, or `signal` aborts). */
async function readSession(ui: string, hash: string, options: { headers?: Record<string, string>; signal?: AbortSignal; stopAt?: (message: Record<string, unknown>) => boolean } = {}) {
  const response = await fetch(`${ui}/queue/data?session_hash=${hash}`, { headers: options.headers ?? {}, signal: options.signal ?? AbortSignal.timeout(20_000) })
  const messages: Record<string, unknown>[] = []
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return messages
    buffered += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const data = buffered.slice(0, end).replace(/^data: /, '')
      buffered = buffered.slice(end + 2)
      messages.push(JSON.parse(data))
      if (options.stopAt?.(messages.at(-1)!)) {
        await reader.cancel()
        return messages
      }
    }
  }
}

beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream?.stop())

describe('bounds on joins', () => {
  let mc: McProcess
  let ui: string
  beforeAll(async () => ({ mc, ui } = await startUi({ MC_WEBUI_MAX_SESSIONS: '2', MC_WEBUI_SESSION_RUNS: '2' })))
  afterAll(() => mc?.stop())

  test('a bad session_hash, fn_index or data is a 422 naming it, and opens no session', async () => {
    const bad: [unknown, RegExp][] = [
      [{ fn_index: 0, data: [], session_hash: { a: 1 } }, /session_hash/],
      [{ fn_index: 0, data: [], session_hash: 'x'.repeat(8 * 1024 * 1024) }, /session_hash/],
      [{ fn_index: 0, data: [], session_hash: 'a b/c' }, /session_hash/],
      [{ fn_index: 0, data: [] }, /session_hash/],
      [{ fn_index: '__proto__', data: [], session_hash: 'h1' }, /fn_index/],
      [{ fn_index: -1, data: [], session_hash: 'h1' }, /fn_index/],
      [{ fn_index: 2, data: [], session_hash: 'h1' }, /fn_index/],
      [{ fn_index: 0.5, data: [], session_hash: 'h1' }, /fn_index/],
      [{ fn_index: 0, data: 'prompt', session_hash: 'h1' }, /data/],
    ]
    for (const [body, field] of bad) {
      const response = await join(ui, body)
      expect(response.status).toBe(422)
      expect(((await response.json()) as { detail: string }).detail).toMatch(field)
    }
    // None of them counts: both sessions the bound allows can still open.
    for (const hash of ['first', 'second']) expect((await join(ui, { fn_index: 0, data: [], session_hash: hash })).status).toBe(200)
    await Promise.all(['first', 'second'].map((hash) => readSession(ui, hash)))
  })

  test('one session more than MC_WEBUI_MAX_SESSIONS, or one run more than MC_WEBUI_SESSION_RUNS, is a 503 with Retry-After', async () => {
    expect((await join(ui, { fn_index: 0, data: [], session_hash: 'one' })).status).toBe(200)
    expect((await join(ui, { fn_index: 0, data: [], session_hash: 'two' })).status).toBe(200)
    const full = await join(ui, { fn_index: 0, data: [], session_hash: 'three' })
    expect(full.status).toBe(503)
    expect(full.headers.get('retry-after')).toBe('5')
    expect(((await full.json()) as { detail: string }).detail).toMatch(/MC_WEBUI_MAX_SESSIONS/)
    expect((await join(ui, { fn_index: 0, data: [], session_hash: 'one' })).status).toBe(200) // a second run in the same session
    const busy = await join(ui, { fn_index: 0, data: [], session_hash: 'one' })
    expect(busy.status).toBe(503)
    expect(((await busy.json()) as { detail: string }).detail).toMatch(/MC_WEBUI_SESSION_RUNS/)
    // A session read to its end is gone: its place is free again.
    const messages = await readSession(ui, 'one')
    expect(messages.filter((m) => m.msg === 'process_completed').map((m) => m.success)).toEqual([true, true])
    expect(messages.at(-1)?.msg).toBe('close_stream')
    expect((await join(ui, { fn_index: 0, data: [], session_hash: 'three' })).status).toBe(200)
    await Promise.all(['two', 'three'].map((hash) => readSession(ui, hash)))
  })
})

describe('session lifetime', () => {
  let mc: McProcess
  let ui: string
  beforeAll(async () => ({ mc, ui } = await startUi({ MC_WEBUI_SESSION_TIMEOUT_SECONDS: '4', MC_WEBUI_SESSION_BYTES: '64KiB', MC_SSE_KEEPALIVE_SECONDS: '1' })))
  afterAll(() => mc?.stop())

  test('a reader of an unknown session is answered at once: session not found, then close_stream', async () => {
    const started = performance.now()
    const messages = await readSession(ui, 'nobody-joined', { signal: AbortSignal.timeout(3000) })
    expect(performance.now() - started).toBeLessThan(2000)
    expect(messages).toEqual([expect.objectContaining({ msg: 'unexpected_error', session_not_found: true }), { msg: 'close_stream', event_id: null }])
  })

  test('a session nobody reads expires: its run is cancelled upstream and it is gone', async () => {
    expect((await join(ui, { fn_index: 0, data: ['unread', 3000], session_hash: 'unread' })).status).toBe(200)
    for (let i = 0; i < 100 && upstream.stats('unread').cancelledAt === undefined; i++) await Bun.sleep(100)
    expect(upstream.stats('unread').cancelledAt).toBeDefined() // the run (12 s long) was cut short
    expect((await readSession(ui, 'unread'))[0]).toMatchObject({ msg: 'unexpected_error', session_not_found: true })
  })

  test("an unread session's run pauses; a reader resumes it; once the reader leaves, the run is cancelled", async () => {
    expect((await join(ui, { fn_index: 1, data: ['paused'], session_hash: 'paused' })).status).toBe(200)
    await Bun.sleep(1000)
    const sentWhileUnread = upstream.stats('paused').eventsSent
    await Bun.sleep(800)
    expect(upstream.stats('paused').eventsSent).toBe(sentWhileUnread) // stalled: nothing piles up unread
    expect(sentWhileUnread).toBeLessThan(4096 / 2) // less than half of its 256 MiB went out
    let generating = 0
    const taken = await readSession(ui, 'paused', { stopAt: (m) => m.msg === 'process_generating' && ++generating === 20 })
    expect(taken.at(-1)?.msg).toBe('process_generating')
    for (let i = 0; i < 50 && upstream.stats('paused').eventsSent === sentWhileUnread; i++) await Bun.sleep(100)
    expect(upstream.stats('paused').eventsSent).toBeGreaterThan(sentWhileUnread)
    for (let i = 0; i < 100 && upstream.stats('paused').cancelledAt === undefined; i++) await Bun.sleep(100)
    expect(upstream.stats('paused').cancelledAt).toBeDefined()
  })

  test('a quiet run sends heartbeats', async () => {
    expect((await join(ui, { fn_index: 0, data: ['beats', 1400], session_hash: 'beats' })).status).toBe(200)
    const messages = await readSession(ui, 'beats')
    expect(messages.filter((m) => m.msg === 'heartbeat').length).toBeGreaterThanOrEqual(1)
    expect(messages.find((m) => m.msg === 'process_completed')).toMatchObject({ success: true, output: { data: ['one two'] } })
  })

  test("a session's messages go only to the client that joined it", async () => {
    const alice = { authorization: 'Bearer alice' }
    const { event_id: mine } = (await (await join(ui, { fn_index: 0, data: ['mine'], session_hash: 'shared-hash' }, alice)).json()) as { event_id: string }
    const stranger = await readSession(ui, 'shared-hash', { headers: { authorization: 'Bearer mallory' } })
    expect(stranger.map((m) => m.msg)).toEqual(['unexpected_error', 'close_stream'])
    // Another client's join with the same hash is its own session, not a way in.
    const { event_id: their } = (await (await join(ui, { fn_index: 0, data: ['theirs'], session_hash: 'shared-hash' })).json()) as { event_id: string }
    const [own, theirs] = await Promise.all([readSession(ui, 'shared-hash', { headers: alice }), readSession(ui, 'shared-hash')])
    expect(own.filter((m) => m.msg === 'process_completed')).toEqual([expect.objectContaining({ event_id: mine })])
    expect(theirs.filter((m) => m.msg === 'process_completed')).toEqual([expect.objectContaining({ event_id: their })])
  })

  test('a second reader of a session takes it over: the first one ends, the second gets the rest', async () => {
    expect((await join(ui, { fn_index: 0, data: ['twice', 600], session_hash: 'twice' })).status).toBe(200)
    const first = readSession(ui, 'twice')
    await Bun.sleep(300)
    const second = readSession(ui, 'twice')
    const firstMessages = await first
    expect(firstMessages.map((m) => m.msg)).not.toContain('process_completed')
    const secondMessages = await second
    expect(secondMessages.find((m) => m.msg === 'process_completed')).toMatchObject({ success: true, output: { data: ['one two'] } })
    expect(secondMessages.at(-1)?.msg).toBe('close_stream')
  })
})
