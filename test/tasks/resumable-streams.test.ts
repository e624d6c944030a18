// Resumable streams (issue 10): every SSE event carries `id: <task_id>:<seq>`;
// GET /tasks/{id}/stream attaches to a task's stream from the start or after a
// Last-Event-ID; the guide's EventSource-with-POST snippet no longer re-runs
// the workflow; background runs stream on with no client; a waited stream is
// cancelled when its client goes, unless a grace period keeps it resumable.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chromium } from 'playwright-core'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, startMc, type McProcess } from '../support/mc.ts'
import { requirementMet } from '../support/requirements.ts'
import { redisAvailable, startRedis } from '../support/redis.ts'
import { codeBlocks } from '../support/seed.ts'
import { chatEchoCompose, readSseEvents, until, words } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
let mc: McProcess
let graceful: McProcess
let api: string
let graceApi: string

const compose = (port: number, u: string) => chatEchoCompose(port, u, { key: 'guide', delayMs: 100 })

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port, upstream.url) }), [], port)
  api = `${mc.url}/api`
  const gracePort = freePort()
  graceful = await startMc(composeDir({ 'compose.yml': compose(gracePort, upstream.url) }), [], gracePort, { MC_STREAM_GRACE_SECONDS: '1.5' })
  graceApi = `${graceful.url}/api`
})
afterAll(async () => {
  await Promise.all([mc?.stop(), graceful?.stop()])
  upstream?.stop()
})

const post = (base: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${base}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) })

const stream = (base: string, id: string, headers: Record<string, string> = {}, query = '', signal?: AbortSignal) =>
  fetch(`${base}/tasks/${id}/stream${query}`, { headers, ...(signal ? { signal } : {}) })

async function background(base: string, input: Record<string, unknown>): Promise<string> {
  const answer = (await (await post(base, { input, wait_for_completion: false })).json()) as { task_id: string }
  return answer.task_id
}

async function task(base: string, id: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${base}/tasks/${id}`)).json()) as Record<string, unknown>
}

const tokensOf = (prompt: string) => ['You', ' said:', ...prompt.split(' ').map((w) => ` ${w}`)]

describe('event ids', () => {
  test('every event carries id <task_id>:<seq>; without the id lines the body is what it was', async () => {
    const response = await post(api, { input: { prompt: 'a b', delay_ms: 0 }, output_only: true })
    const text = await response.text()
    expect(text.replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  a\n\ndata:  b\n\n')
    const ids = [...text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]!)
    const taskId = ids[0]!.split(':')[0]!
    expect(ids).toEqual([1, 2, 3, 4].map((seq) => `${taskId}:${seq}`))
    expect(await task(api, taskId)).toEqual({ task_id: taskId, status: 'completed', output: null })
  })

  test('a task whose run did not stream: its stream is one event, its output as JSON; then 204', async () => {
    const echo = (await (await post(api, { workflow_id: 'echo', input: { word: 'hi' }, wait_for_completion: false })).json()) as { task_id: string }
    await until('echo to end', async () => (await task(api, echo.task_id)).status === 'completed')
    // A task whose run did not stream: one event, its output as JSON.
    expect(await readSseEvents(await stream(api, echo.task_id))).toEqual([{ id: `${echo.task_id}:1`, data: '{"said":"hi"}' }])
    expect((await stream(api, echo.task_id, { 'last-event-id': `${echo.task_id}:1` })).status).toBe(204)
  })
})

describe('attaching and resuming', () => {
  test('two clients attached at once get the same events, live, to the end', async () => {
    const prompt = words(6)
    const id = await background(api, { prompt, key: 'two' })
    const timesA: number[] = []
    const timesB: number[] = []
    const [a, b] = await Promise.all([readSseEvents(await stream(api, id), { onEvent: () => timesA.push(performance.now()) }), readSseEvents(await stream(api, id), { onEvent: () => timesB.push(performance.now()) })])
    expect(a.map((e) => e.data)).toEqual(tokensOf(prompt))
    expect(a.map((e) => e.id)).toEqual(tokensOf(prompt).map((_, i) => `${id}:${i + 1}`))
    expect(b).toEqual(a)
    // Live: the events reached both as the run made them (8 tokens 100 ms apart), not all at its end.
    for (const times of [timesA!, timesB!]) expect(times.at(-1)! - times[0]!).toBeGreaterThan(400)
    expect(upstream.stats('two').requests).toBe(1)
  })

  test('a client dropped mid-stream resumes with Last-Event-ID: no gap, no duplicate', async () => {
    const prompt = words(8)
    const id = await background(api, { prompt, key: 'drop' })
    const abort = new AbortController()
    const first = await readSseEvents(await stream(api, id, {}, '', abort.signal), { stopAfter: 3, abort })
    expect(first.map((e) => e.data)).toEqual(tokensOf(prompt).slice(0, 3))
    const rest = await readSseEvents(await stream(api, id, { 'last-event-id': first.at(-1)!.id! }))
    expect([...first, ...rest].map((e) => e.data)).toEqual(tokensOf(prompt))
    expect([...first, ...rest].map((e) => e.id)).toEqual(tokensOf(prompt).map((_, i) => `${id}:${i + 1}`))
    // A polyfill that cannot set headers says it in the query.
    const fromQuery = await readSseEvents(await stream(api, id, {}, `?last_event_id=${encodeURIComponent(`${id}:7`)}`))
    expect(fromQuery.map((e) => e.id)).toEqual([8, 9, 10].map((seq) => `${id}:${seq}`))
  })

  test('the last id of a finished stream gets 204; an unknown task 404; an id of another task 400', async () => {
    const id = await background(api, { prompt: 'x', delay_ms: 0 })
    await until('the run to end', async () => (await task(api, id)).status === 'completed')
    const done = await stream(api, id, { 'last-event-id': `${id}:3` })
    expect(done.status).toBe(204)
    expect(await done.text()).toBe('')
    const unknown = await stream(api, '01ARZ3NDEKTSV4RRFFQ69G5FAV')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ detail: 'unknown task "01ARZ3NDEKTSV4RRFFQ69G5FAV"' })
    const other = await stream(api, id, { 'last-event-id': 'SOMEOTHERTASK:2' })
    expect(other.status).toBe(400)
    expect(((await other.json()) as { detail: string }).detail).toBe(`Last-Event-ID: "SOMEOTHERTASK:2" is an event of task "SOMEOTHERTASK", not of "${id}"`)
  })

  test('a POST carrying a Last-Event-ID of a known task resumes it instead of running the workflow again', async () => {
    const prompt = words(6)
    const abort = new AbortController()
    const body = { input: { prompt, key: 'post-resume' }, output_only: true }
    // The same POST, dropped after 2 events, then sent again with the last id (what an EventSource polyfill does).
    const first = await readSseEvents(await post(graceApi, body, {}, abort.signal), { stopAfter: 2, abort })
    const rest = await readSseEvents(await post(graceApi, body, { 'last-event-id': first.at(-1)!.id! }))
    expect([...first, ...rest].map((e) => e.data)).toEqual(tokensOf(prompt))
    expect(upstream.stats('post-resume').requests).toBe(1)
  })

  test("the guide's EventSource-with-POST snippet reads the answer once and stops: the upstream is called once", async () => {
    const [code] = codeBlocks('javascript').filter((b) => b.includes('new EventSource'))
    const file = join(composeDir({}), 'client.mjs')
    const polyfill = join(ROOT, 'node_modules/launchdarkly-eventsource/lib/eventsource.js')
    writeFileSync(
      file,
      `import { createRequire } from 'node:module'\nconst { EventSource } = createRequire(${JSON.stringify(join(ROOT, 'package.json'))})(${JSON.stringify(polyfill)})\n` +
        `console.log = () => {}\nconsole.error = () => {}\nlet text = ''\nglobalThis.document = { getElementById: () => ({ get textContent() { return text }, set textContent(v) { text = v } }) }\n` +
        `${code!.replaceAll('http://localhost:8080', mc.url)}\n` +
        // It stops by itself once the server says the stream is over (204 on the reconnect); else it is stopped after 8 s.
        `const poll = setInterval(() => { if (eventSource.readyState === 2) { clearInterval(poll); process.stdout.write(JSON.stringify({ text, closed: true })); process.exit(0) } }, 50)\n` +
        `setTimeout(() => { process.stdout.write(JSON.stringify({ text, closed: false })); process.exit(0) }, 8000)\n`,
    )
    const before = upstream.stats('guide').requests
    const client = Bun.spawn([process.execPath, file], { stdout: 'pipe', stderr: 'pipe' })
    const result = JSON.parse(await new Response(client.stdout).text()) as { text: string; closed: boolean }
    await client.exited
    expect(result).toEqual({ text: 'You said: Hello', closed: true })
    expect(upstream.stats('guide').requests - before).toBe(1)
  })
})

describe('runs and their clients', () => {
  test('a background run streams on with no client attached, and can be attached after it ended', async () => {
    const prompt = words(5)
    const id = await background(api, { prompt, key: 'alone', delay_ms: 50 })
    await until('the run to end', async () => (await task(api, id)).status === 'completed')
    expect(upstream.stats('alone').cancelledAt).toBeUndefined()
    expect(upstream.stats('alone').eventsSent).toBe(tokensOf(prompt).length + 3) // the role, finish and [DONE] events too
    expect((await task(api, id)).output).toBe(`You said: ${prompt}`)
    const events = await readSseEvents(await stream(api, id))
    expect(events.map((e) => e.data)).toEqual(tokensOf(prompt))
  })

  test('a waited stream is cancelled at once when its client goes: the upstream sees the abort', async () => {
    const abort = new AbortController()
    const response = await post(api, { input: { prompt: words(30), key: 'gone', delay_ms: 200 }, output_only: true }, {}, abort.signal)
    const first = await readSseEvents(response, { stopAfter: 2, abort })
    const id = first[0]!.id!.split(':')[0]!
    const dropped = Date.now()
    await until('the upstream to see the abort', () => upstream.stats('gone').cancelledAt !== undefined, 5000)
    expect(upstream.stats('gone').cancelledAt! - dropped).toBeLessThan(1000)
    await until('the task to fail', async () => (await task(api, id)).status === 'failed')
    expect((await task(api, id)).error).toBe('cancelled: the client went away')
  })

  test('with MC_STREAM_GRACE_SECONDS the run goes on when its client goes, and the client resumes it', async () => {
    const prompt = words(12)
    const abort = new AbortController()
    const first = await readSseEvents(await post(graceApi, { input: { prompt, key: 'grace' }, output_only: true }, {}, abort.signal), { stopAfter: 2, abort })
    const id = first[0]!.id!.split(':')[0]!
    await Bun.sleep(500)
    expect(upstream.stats('grace').cancelledAt).toBeUndefined()
    // Attached before the grace period ends: it runs to the end.
    const rest = await readSseEvents(await stream(graceApi, id, { 'last-event-id': first.at(-1)!.id! }))
    expect([...first, ...rest].map((e) => e.data)).toEqual(tokensOf(prompt))
    expect(await task(graceApi, id)).toEqual({ task_id: id, status: 'completed', output: null })
    expect(upstream.stats('grace').cancelledAt).toBeUndefined()
  })

  test('past the grace period with nobody attached, the run is cancelled', async () => {
    const abort = new AbortController()
    const first = await readSseEvents(await post(graceApi, { input: { prompt: words(40), key: 'orphan', delay_ms: 150 }, output_only: true }, {}, abort.signal), { stopAfter: 2, abort })
    const id = first[0]!.id!.split(':')[0]!
    const dropped = Date.now()
    await Bun.sleep(700)
    expect(upstream.stats('orphan').cancelledAt).toBeUndefined()
    await until('the upstream to see the abort', () => upstream.stats('orphan').cancelledAt !== undefined, 6000)
    expect(upstream.stats('orphan').cancelledAt! - dropped).toBeGreaterThanOrEqual(1400)
    await until('the task to fail', async () => (await task(graceApi, id)).status === 'failed')
    expect((await task(graceApi, id)).error).toBe('cancelled: the client went away and nobody resumed its stream within MC_STREAM_GRACE_SECONDS')
    // What it streamed meanwhile stays resumable, and says how it ended.
    const events = await readSseEvents(await stream(graceApi, id, { 'last-event-id': `${id}:2` }))
    expect(events.at(-1)).toEqual({ id: `${id}:${Number(events.at(-1)!.id!.split(':')[1])}`, event: 'error', data: JSON.stringify({ detail: (await task(graceApi, id)).error }) })
    expect(events.length).toBeGreaterThan(3)
  })
})

if (redisAvailable()) describe('on a Redis task store, across mc processes', () => {
  test('a stream run by one mc is attached from the start on another, and resumed there after a drop', async () => {
    const redis = await startRedis()
    const withRedis = (port: number) => compose(port, upstream.url).replace(`port: ${port}\n`, `port: ${port}\n  task_store: { driver: redis, url: "${redis.url}", prefix: resume }\n`)
    const start = (port: number) => startMc(composeDir({ 'compose.yml': withRedis(port) }), [], port)
    let a: McProcess | undefined
    let b: McProcess | undefined
    try {
      a = await start(freePort())
      b = await start(freePort())
      const [apiA, apiB] = [`${a.url}/api`, `${b.url}/api`]
      const prompt = words(8)
      const id = await background(apiA, { prompt, key: 'redis', delay_ms: 100 })
      const abort = new AbortController()
      const first = await readSseEvents(await stream(apiB, id, {}, '', abort.signal), { stopAfter: 3, abort })
      const rest = await readSseEvents(await stream(apiB, id, { 'last-event-id': first.at(-1)!.id! }))
      expect([...first, ...rest].map((e) => e.data)).toEqual(tokensOf(prompt))
      expect([...first, ...rest].map((e) => e.id)).toEqual(tokensOf(prompt).map((_, i) => `${id}:${i + 1}`))
      expect((await stream(apiB, id, { 'last-event-id': rest.at(-1)!.id! })).status).toBe(204)
      expect(upstream.stats('redis').requests).toBe(1)
    } finally {
      await Promise.all([a?.stop(), b?.stop()])
      await redis.stop()
    }
  })
})

const CHROMIUM = '/usr/bin/chromium'

// As test/e2e/browser.test.ts drives it; npm test installs Chromium (MC_TEST_SKIP=browser skips this, loudly).
if (requirementMet('browser', existsSync(CHROMIUM), `Debian's Chromium at ${CHROMIUM}`, 'apt-get install chromium')) describe(`a browser's own EventSource (${CHROMIUM})`, () => {
  test('reads a stream whose connection broke off: it reconnects with Last-Event-ID, misses nothing, repeats nothing, and stops at the end (204)', async () => {
    const prompt = words(10)
    const id = await background(api, { prompt, key: 'browser', delay_ms: 150 })
    // A page of its own origin, and a way to mc whose first stream connection breaks off after 3 events.
    const lastEventIds: (string | null)[] = []
    const proxy = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      async fetch(request) {
        const url = new URL(request.url)
        if (url.pathname === '/') return new Response('<!doctype html><title>resume</title>', { headers: { 'content-type': 'text/html' } })
        if (!url.pathname.startsWith('/api/')) return new Response('not here', { status: 404 }) // the favicon
        lastEventIds.push(request.headers.get('last-event-id'))
        const answer = await fetch(`${mc.url}${url.pathname}${url.search}`, { headers: { accept: 'text/event-stream', ...(lastEventIds.at(-1) ? { 'last-event-id': lastEventIds.at(-1)! } : {}) } })
        const headers = { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }
        if (lastEventIds.length > 1 || !answer.body) return new Response(answer.body, { status: answer.status, headers })
        const reader = answer.body.getReader()
        const decoder = new TextDecoder()
        let text = ''
        const encoder = new TextEncoder()
        const cut = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const { done, value } = await reader.read()
            if (done) return controller.close()
            const before = text.length
            text += decoder.decode(value, { stream: true })
            // Exactly three events get through, however they were written.
            const third = text.split('\n\n', 3).join('\n\n').length + 2
            if (third > text.length) return controller.enqueue(encoder.encode(text.slice(before)))
            controller.enqueue(encoder.encode(text.slice(before, third)))
            await reader.cancel()
            controller.close()
          },
        })
        return new Response(cut, { headers })
      },
    })
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] })
    try {
      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${proxy.port}/`)
      // Strings: evaluated in the page, whose DOM types are not this file's.
      await page.evaluate(`window.got = []; const source = new EventSource('/api/tasks/${id}/stream'); source.onmessage = (e) => window.got.push([e.lastEventId, e.data]); source.onerror = () => { if (source.readyState === 2) window.stopped = true }`)
      await page.waitForFunction('window.stopped === true', null, { timeout: 25_000 })
      const got = (await page.evaluate('window.got')) as [string, string][]
      expect(got.map(([, data]) => data)).toEqual(tokensOf(prompt))
      expect(got.map(([lastId]) => lastId)).toEqual(tokensOf(prompt).map((_, i) => `${id}:${i + 1}`))
      // Three connections: from the start, resumed after the third event, and the one answered 204 after the last.
      expect(lastEventIds).toEqual([null, `${id}:3`, `${id}:${tokensOf(prompt).length}`])
    } finally {
      await browser.close()
      proxy.stop(true)
    }
  })
})
