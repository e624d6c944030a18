// Durable tasks (issue 10): tasks live in the store (a SQLite file in .mc/
// beside the compose file), so a restart of mc on the same folder — after
// SIGTERM or SIGKILL — keeps finished tasks and their recorded streams, and a
// task that was running reads failed "abandoned". POST /tasks/{id}/cancel
// (model-compose 0.4.92) stops a run; a stream no longer all recorded is a 410.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { chatEchoCompose, readSseEvents, until, words } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream

const compose = (port: number, u: string) => chatEchoCompose(port, u, { key: 'none', delayMs: 0 })

beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream?.stop())

const post = (api: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
const json = async (r: Response) => (await r.json()) as Record<string, unknown>
const task = async (api: string, id: string) => json(await fetch(`${api}/tasks/${id}`))
const stream = (api: string, id: string, lastEventId?: string) => fetch(`${api}/tasks/${id}/stream`, { headers: lastEventId ? { 'last-event-id': lastEventId } : {} })


describe('a restart of mc on the same folder', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`after ${signal}: finished tasks and their streams survive; a running one reads failed "abandoned"`, async () => {
      const port = freePort()
      const dir = composeDir({ 'compose.yml': compose(port, upstream.url) })
      const first = await startMc(dir, [], port)
      const api = `${first.url}/api`
      let second: McProcess | undefined
      try {
        const echo = await json(await post(api, { workflow_id: 'echo', input: { word: 'kept' } }))
        const streamed = await readSseEvents(await post(api, { input: { prompt: 'a b c' }, output_only: true }))
        const streamedId = streamed[0]!.id!.split(':')[0]!
        const background = (await json(await post(api, { input: { prompt: 'in the background' }, wait_for_completion: false }))).task_id as string
        await until('the background run to end', async () => (await task(api, background)).status === 'completed')
        const running = (await json(await post(api, { input: { prompt: words(40), delay_ms: 200 }, wait_for_completion: false }))).task_id as string
        const seen = await readSseEvents(await stream(api, running), { stopAfter: 2 })

        first.proc.kill(signal)
        await first.proc.exited
        second = await startMc(dir, [], port)
        const api2 = `${second.url}/api`

        expect(await task(api2, echo.task_id as string)).toEqual({ task_id: echo.task_id, status: 'completed', output: { said: 'kept' } })
        expect(await json(await fetch(`${api2}/tasks/${echo.task_id}?output_only=true`))).toEqual({ said: 'kept' })
        expect(await task(api2, streamedId)).toEqual({ task_id: streamedId, status: 'completed', output: null })
        expect(await readSseEvents(await stream(api2, streamedId))).toEqual(streamed)
        expect((await stream(api2, streamedId, streamed.at(-1)!.id)).status).toBe(204)
        expect((await task(api2, background)).output).toBe('You said: in the background')

        const interrupted = await task(api2, running)
        expect(interrupted.status).toBe('failed')
        expect(interrupted.error as string).toMatch(/^abandoned: the mc process running it stopped before it finished$/)
        // Its recorded events stay attachable, and end saying why.
        const events = await readSseEvents(await stream(api2, running))
        expect(events.slice(0, 2)).toEqual(seen)
        expect(events.at(-1)).toMatchObject({ event: 'error', data: JSON.stringify({ detail: interrupted.error }) })
        expect((await stream(api2, running, events.at(-1)!.id)).status).toBe(204)
        if (signal === 'SIGKILL') expect(second.logs()).toContain('1 task(s) were still running when their mc process stopped')
      } finally {
        first.proc.kill('SIGKILL')
        await second?.stop()
      }
    })
  }
})

describe('POST /tasks/{id}/cancel', () => {
  let mc: McProcess
  let api: string
  beforeAll(async () => {
    const port = freePort()
    mc = await startMc(composeDir({ 'compose.yml': compose(port, upstream.url) }), [], port)
    api = `${mc.url}/api`
  })
  afterAll(() => mc?.stop())

  test('stops a background run at once: the upstream sees the abort, a client following it gets an error event, the task reads failed "cancelled"', async () => {
    const id = (await json(await post(api, { input: { prompt: words(40), key: 'cancel-bg', delay_ms: 150 }, wait_for_completion: false }))).task_id as string
    const follower = await stream(api, id)
    await Bun.sleep(400)
    const cancelled = await fetch(`${api}/tasks/${id}/cancel`, { method: 'POST' })
    expect(cancelled.status).toBe(200)
    expect(await cancelled.json()).toEqual({ task_id: id, status: 'failed', error: 'cancelled' })
    const events = await readSseEvents(follower)
    expect(events.at(-1)).toEqual({ id: `${id}:${events.length}`, event: 'error', data: '{"detail":"cancelled"}' })
    await until('the upstream to see the abort', async () => upstream.stats('cancel-bg').cancelledAt !== undefined, 2000)
    expect(await task(api, id)).toEqual({ task_id: id, status: 'failed', error: 'cancelled' })
  })

  test("stops a waited stream: its client's stream ends with an error event", async () => {
    const response = await post(api, { input: { prompt: words(40), key: 'cancel-waited', delay_ms: 150 }, output_only: true })
    const taskId = Promise.withResolvers<string>()
    const reading = readSseEvents(response, { onEvent: (event) => taskId.resolve(event.id!.split(':')[0]!) })
    const id = await taskId.promise
    await Bun.sleep(300)
    expect((await fetch(`${api}/tasks/${id}/cancel`, { method: 'POST' })).status).toBe(200)
    const events = await reading
    expect(events.at(-1)).toMatchObject({ event: 'error', data: '{"detail":"cancelled"}' })
    expect(events.length).toBeLessThan(20)
  })

  test('a finished task is a 409, an unknown one a 404, a bad flag a 400; wait_for_completion=false answers at once', async () => {
    const done = (await json(await post(api, { workflow_id: 'echo', input: { word: 'x' } }))).task_id as string
    const finished = await fetch(`${api}/tasks/${done}/cancel`, { method: 'POST' })
    expect(finished.status).toBe(409)
    expect(await finished.json()).toEqual({ detail: `task "${done}" has already finished: completed` })
    const unknown = await fetch(`${api}/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel`, { method: 'POST' })
    expect(unknown.status).toBe(404)
    const running = (await json(await post(api, { input: { prompt: words(20), delay_ms: 150 }, wait_for_completion: false }))).task_id as string
    const bad = await fetch(`${api}/tasks/${running}/cancel?wait_for_completion=maybe`, { method: 'POST' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ detail: 'wait_for_completion: expected true or false, got "maybe"' })
    const atOnce = await fetch(`${api}/tasks/${running}/cancel?wait_for_completion=false`, { method: 'POST' })
    expect(atOnce.status).toBe(200)
    expect(((await atOnce.json()) as { task_id: string }).task_id).toBe(running)
    await until('the task to fail', async () => (await task(api, running)).status === 'failed')
    expect((await task(api, running)).error).toBe('cancelled')
  })
})

describe('what the store no longer keeps is a 410', () => {
  let mc: McProcess
  let api: string
  beforeAll(async () => {
    const port = freePort()
    mc = await startMc(composeDir({ 'compose.yml': compose(port, upstream.url) }), [], port, { MC_TASK_STREAM_BYTES: '300', MC_TASK_MEMORY_BYTES: '2000' })
    api = `${mc.url}/api`
  })
  afterAll(() => mc?.stop())

  test('events older than the recording bound: 410 from the start, the newest still resumable', async () => {
    const events = await readSseEvents(await post(api, { input: { prompt: words(60) }, output_only: true }))
    const id = events[0]!.id!.split(':')[0]!
    const fromStart = await stream(api, id)
    expect(fromStart.status).toBe(410)
    expect(((await fromStart.json()) as { detail: string }).detail).toMatch(new RegExp(`^task "${id}": its events before ${id}:\\d+ are no longer recorded \\(.*MC_TASK_STORE_BYTES\\)$`))
    const tail = await readSseEvents(await stream(api, id, events.at(-3)!.id))
    expect(tail).toEqual(events.slice(-2))
  })

  test('a task whose output was dropped: 410 for its stream and for itself', async () => {
    const big = 'x'.repeat(1500)
    const first = (await json(await post(api, { workflow_id: 'echo', input: { word: big } }))).task_id as string
    await post(api, { workflow_id: 'echo', input: { word: big } })
    await until('the first to be dropped', async () => (await fetch(`${api}/tasks/${first}`)).status === 410)
    const gone = await stream(api, first)
    expect(gone.status).toBe(410)
    const detail = ((await gone.json()) as { detail: string }).detail
    expect(detail).toContain(first)
    expect(detail).not.toContain('\n')
  })
})

describe('with recording off (MC_TASK_STREAM_BYTES=0)', () => {
  let mc: McProcess
  let api: string
  beforeAll(async () => {
    const port = freePort()
    mc = await startMc(composeDir({ 'compose.yml': compose(port, upstream.url) }), [], port, { MC_TASK_STREAM_BYTES: '0' })
    api = `${mc.url}/api`
  })
  afterAll(() => mc?.stop())

  test('a waited stream still carries ids; attaching or resuming it is a 410 saying recording is off', async () => {
    const events = await readSseEvents(await post(api, { input: { prompt: 'a b c' }, output_only: true }))
    expect(events.map((e) => e.data)).toEqual(['You', ' said:', ' a', ' b', ' c'])
    const id = events[0]!.id!.split(':')[0]!
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => `${id}:${i + 1}`))
    for (const answer of [await stream(api, id), await stream(api, id, events[1]!.id)]) {
      expect(answer.status).toBe(410)
      expect(((await answer.json()) as { detail: string }).detail).toBe(
        `task "${id}": its stream is not recorded, so it cannot be attached or resumed (recording is off: MC_TASK_STREAM_BYTES=0)`,
      )
    }
    // The task itself is kept as ever.
    expect((await task(api, id)).status).toBe('completed')
  })
})
