// An entry point and its queue workers sharing one Redis task store: a worker
// claims each task the entry point created and records it there, so the run
// outlives its entry point. Real processes on loopback: redis-server, an mc
// entry point (restarted, SIGKILLed), a second entry point, two mc workers.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createParser } from 'eventsource-parser'
import { freePort, type McProcess } from '../support/mc.ts'
import { entryFile, post, QueueProcesses, withRedisTaskStore, workerFile } from '../support/queue-processes.ts'
import { redisAvailable, startRedis, type TestRedis } from '../support/redis.ts'
import { readSseEvents, until, type SseEvent } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const available = redisAvailable()
const processes = new QueueProcesses()
let redis: TestRedis
let upstream: Upstream
let entry: McProcess & { dir: string }
let entryYaml: string
let entryPort: number

const env = (worker = 'entry') => ({ REDIS_URL: redis.url, U: upstream.url, WORKER: worker })
const shared = (yaml: string) => withRedisTaskStore(yaml, redis.url, 'shared')

beforeAll(async () => {
  if (!available) return
  redis = await startRedis()
  upstream = startUpstream()
  await Promise.all(['w1', 'w2'].map((w) => processes.startWorker(shared(workerFile('kept')), env(w))))
  entryPort = freePort()
  entryYaml = shared(entryFile(entryPort, 'kept'))
  entry = await processes.startEntry(entryYaml, entryPort, env())
})
afterAll(async () => {
  await processes.stopAll()
  upstream?.stop()
  await redis?.stop()
})

/** Starts the entry point again, in its folder and on its port. */
async function restartEntry(): Promise<void> {
  entry = await processes.startEntry(entryYaml, entryPort, env(), entry.dir)
}

/** A client of a waited streaming run: its events as they come, and each one's arrival. */
function streamingClient(response: Response) {
  const events: SseEvent[] = []
  const parser = createParser({ onEvent: ({ id, event, data }) => events.push({ ...(id ? { id } : {}), ...(event ? { event } : {}), data }) })
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  const done = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return 'ended'
        parser.feed(decoder.decode(value, { stream: true }))
      }
    } catch {
      return 'cut off'
    }
  })()
  return { events, done }
}

const chat = (key: string, prompt: string, extra: Record<string, unknown> = {}) => ({ workflow_id: 'chat', input: { prompt, key }, output_only: true, ...extra })
const taskOf = (event: SseEvent) => event.id!.split(':')[0]!

describe.if(available)('a worker records the runs of an entry point it shares a Redis task store with', () => {
  test.each(['SIGKILL', 'SIGTERM'] as const)('the entry point %s-ed mid-stream and started again: the client resumes, nothing lost, nothing twice, the upstream called once', async (signal) => {
    const key = `restart-${signal}`
    upstream.release(key)
    const client = streamingClient(await post(entry, chat(key, 'one two three four')))
    await until('the first event', () => client.events.length === 1)
    entry.proc.kill(signal)
    await client.done
    await entry.proc.exited
    // The worker streams on while no entry point runs: every token goes out now.
    for (let i = 0; i < 12; i++) upstream.release(key)
    await restartEntry()
    const last = client.events.at(-1)!
    const rest = await readSseEvents(await fetch(`${entry.url}/api/tasks/${taskOf(last)}/stream`, { headers: { 'last-event-id': last.id! } }))
    const all = [...client.events, ...rest]
    expect(all.map((e) => e.data).join('')).toBe('You said: one two three four')
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => `${taskOf(last)}:${i + 1}`))
    expect(upstream.stats(key).requests).toBe(1)
    const task = await (await fetch(`${entry.url}/api/tasks/${taskOf(last)}`)).json()
    expect(task).toMatchObject({ status: 'completed' })
    // The last id of the finished stream: nothing is left (EventSource stops).
    expect((await fetch(`${entry.url}/api/tasks/${taskOf(last)}/stream`, { headers: { 'last-event-id': all.at(-1)!.id! } })).status).toBe(204)
  }, 60_000)

  test("a cancel sent to another entry point stops the worker's run: the upstream sees the abort, the client an error event", async () => {
    const port = freePort()
    const other = await processes.startEntry(shared(entryFile(port, 'kept')), port, env())
    const key = 'cancel-elsewhere'
    upstream.release(key)
    const client = streamingClient(await post(entry, chat(key, 'never finished')))
    await until('the first event', () => client.events.length === 1)
    const id = taskOf(client.events[0]!)
    const answer = await fetch(`${other.url}/api/tasks/${id}/cancel`, { method: 'POST' })
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({ task_id: id, status: 'failed', error: 'cancelled' })
    await until('the upstream to see the abort', () => upstream.stats(key).cancelledAt !== undefined)
    expect(await client.done).toBe('ended')
    expect(client.events.at(-1)).toMatchObject({ event: 'error', data: JSON.stringify({ detail: 'cancelled' }) })
  }, 30_000)

  test('a client that goes away still cancels the run, through the store', async () => {
    const key = 'client-left'
    upstream.release(key)
    const abort = new AbortController()
    await readSseEvents(await post(entry, chat(key, 'one two'), abort.signal), { stopAfter: 1, abort })
    await until('the upstream to see the abort', () => upstream.stats(key).cancelledAt !== undefined)
  }, 30_000)

  test('a background run outlives its entry point: SIGKILLed at once, started again, the run is whole', async () => {
    const key = 'background'
    upstream.release(key)
    const { task_id } = (await (await post(entry, chat(key, 'left alone', { wait_for_completion: false, output_only: false }))).json()) as { task_id: string }
    await until('the worker to take it', () => upstream.stats(key).requests === 1)
    entry.proc.kill('SIGKILL')
    await entry.proc.exited
    for (let i = 0; i < 8; i++) upstream.release(key)
    await restartEntry()
    const events = await readSseEvents(await fetch(`${entry.url}/api/tasks/${task_id}/stream`))
    expect(events.map((e) => e.data).join('')).toBe('You said: left alone')
    expect(await (await fetch(`${entry.url}/api/tasks/${task_id}`)).json()).toMatchObject({ status: 'completed', output: 'You said: left alone' })
  }, 60_000)
})

describe.if(available)('a recording worker that dies', () => {
  test('SIGKILLed mid-stream: the client gets an error event naming the interruption within the owner bound (13 s), not a hang', async () => {
    const worker = await processes.startWorker(shared(workerFile('dying')), env('doomed'))
    const port = freePort()
    const mc = await processes.startEntry(shared(entryFile(port, 'dying')), port, env())
    const key = 'worker-killed'
    upstream.release(key)
    const client = streamingClient(await post(mc, chat(key, 'one two')))
    await until('the first event', () => client.events.length === 1)
    worker.proc.kill('SIGKILL')
    const killedAt = performance.now()
    expect(await client.done).toBe('ended')
    const took = performance.now() - killedAt
    console.log(`a SIGKILLed recording worker's client got its error ${(took / 1000).toFixed(1)} s after the kill`)
    expect(client.events.at(-1)?.event).toBe('error')
    expect(client.events.at(-1)?.data).toMatch(/abandoned: the mc process running it stopped before it finished/)
    expect(took).toBeLessThan(18_000)
  }, 40_000)
})
