// model-compose's queue (0.4.92, §7.3–7.5) between real mc processes on one
// real redis-server: an mc entry point (`controller.queue`) handing runs to
// mc workers (`queue-subscriber`), a file that is both, workers that go away,
// and the queue's keys in compose files. The setup is in queue-suite.ts; the
// wire format against model-compose's side is queue-wire-format.test.ts.

import { beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, readPieces, runMc, type McProcess } from '../support/mc.ts'
import { entryFile, post, workerFile } from '../support/queue-processes.ts'
import { eventReader } from '../support/task-streams.ts'
import { firstMessage, redisAvailable } from '../support/redis.ts'
import { env, queueSuite, raw, redis, startEntry, startWorker, upstream } from './queue-suite.ts'

const available = redisAvailable()
queueSuite(available)

describe.if(available)('one entry point, two workers', () => {
  let entry: McProcess
  beforeAll(async () => {
    await Promise.all(['w1', 'w2'].map((w) => startWorker(workerFile('three'), env(w))))
    const port = freePort()
    entry = await startEntry(entryFile(port, 'three'), port, env())
  })

  test('a workflow the entry point has runs there; another runs on a worker', async () => {
    expect(await (await post(entry, { workflow_id: 'local', output_only: true })).json()).toEqual({ text: 'ran here' })
    const answer = await (await post(entry, { workflow_id: 'slow', input: { text: 'hi' } })).json()
    expect(answer).toMatchObject({ status: 'completed', output: { text: expect.stringMatching(/^hi from w[12]$/) } })
  })

  test('runs spread over both workers', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => post(entry, { workflow_id: 'slow', input: { text: `r${i}`, seconds: 0.5 }, output_only: true }).then((r) => r.json())))
    const workers = new Set(answers.map((a) => (a as { text: string }).text.split(' from ')[1]))
    expect([...workers].sort()).toEqual(['w1', 'w2'])
  })

  test('a streamed run reaches the client token by token, as the worker\'s upstream sends it', async () => {
    // The upstream sends each token only once the one before reached this client:
    // anything that gathered the stream on the way would get nothing more.
    upstream.release('relay')
    const response = await post(entry, { workflow_id: 'chat', input: { prompt: 'one two three', key: 'relay' }, output_only: true })
    expect(response.headers.get('content-type')).toStartWith('text/event-stream')
    const next = eventReader(response.body!)
    const received: string[] = []
    for (let event = await next(); event !== undefined; event = await next()) {
      received.push(event)
      upstream.release('relay')
      if (event === ' three') upstream.release('relay') // the finish event, then [DONE]
    }
    expect(received).toEqual(['You', ' said:', ' one', ' two', ' three'])
  })

  test('text tokens that look like JSON stay text (" 42" keeps its space)', async () => {
    const { text } = await readPieces(await post(entry, { workflow_id: 'story', input: { prompt: '42 true null' }, output_only: true }))
    expect(text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6))).toEqual(['You', ' said:', ' 42', ' true', ' null'])
  })

  test('a client that goes away stops the worker\'s run (its upstream request is cancelled)', async () => {
    upstream.release('gone')
    const abort = new AbortController()
    const response = await post(entry, { workflow_id: 'chat', input: { prompt: 'never finished', key: 'gone' }, output_only: true }, abort.signal)
    expect(await eventReader(response.body!)()).toBe('You')
    abort.abort()
    const deadline = Date.now() + 10_000
    while (upstream.stats('gone').cancelledAt === undefined && Date.now() < deadline) await Bun.sleep(25)
    expect(upstream.stats('gone').cancelledAt).toBeDefined()
  })

  test('an uploaded file goes to the worker through Redis (a blob key, as model-compose moves bytes)', async () => {
    const form = new FormData()
    form.append('workflow_id', 'slow')
    form.append('output_only', 'true')
    form.append('input[text]', new Blob([new TextEncoder().encode('file bytes')]), 'upload.txt')
    const response = await fetch(`${entry.url}/api/workflows/runs`, { method: 'POST', body: form })
    expect(await response.json()).toEqual({ text: expect.stringMatching(/^file bytes from w[12]$/) })
    expect(await raw.keys('three:slow:*:blob:*')).toEqual([]) // taken by the worker
  })

  test('a bad input is refused by the worker as it would be locally (422)', async () => {
    const response = await post(entry, { workflow_id: 'slow', input: { text: 'x', seconds: 'soon' } })
    expect(response.status).toBe(422)
    expect(await response.text()).toMatch(/input\.seconds: expected a number/)
  })
})

describe.if(available)('a file with an http-server and a queue-subscriber adapter', () => {
  test('serves its HTTP API and takes tasks from the queue', async () => {
    const port = freePort()
    const both = workerFile('both').replace('  adapter:\n    type: queue-subscriber', `  adapters:\n  - type: http-server\n    port: ${port}\n  - type: queue-subscriber`)
    const mc = await startEntry(both, port, env('both'))
    expect(await (await post(mc, { workflow_id: 'slow', input: { text: 'http' }, output_only: true })).json()).toEqual({ text: 'http from both' })
    const result = JSON.parse(await firstMessage(redis.url, 'both:slow:r1', () => raw.send('LPUSH', ['both:slow', '{"task_id":"t","run_id":"r1","input":{"text":"queued"}}'])))
    expect(result).toMatchObject({ status: 'completed', worker_id: 'both', output: { text: 'queued from both' } })
  })
})

describe.if(available)('a worker that goes away', () => {
  test('SIGKILLed mid-stream: the client gets an error event within the heartbeat bound (10 s + one look), not a hang', async () => {
    const worker = await startWorker(workerFile('dies'), env('doomed'))
    const port = freePort()
    const entry = await startEntry(entryFile(port, 'dies'), port, env())
    upstream.release('killed')
    const next = eventReader((await post(entry, { workflow_id: 'chat', input: { prompt: 'one two', key: 'killed' }, output_only: true })).body!)
    expect(await next()).toBe('You')
    worker.proc.kill('SIGKILL')
    const killedAt = performance.now()
    const events: string[] = []
    for (let event = await next(); event !== undefined; event = await next()) events.push(event)
    expect(events).toEqual(['error: {"detail":"queue worker doomed stopped while running this task (no heartbeat for 10 s): the run is lost"}'])
    expect(performance.now() - killedAt).toBeLessThan(20_000)
  }, 40_000)

  test('SIGTERM: no new tasks, running ones finish within shutdown_timeout, the rest fail with a result', async () => {
    const worker = await startWorker(workerFile('drain', '\n    max_concurrent_count: 2').replace('shutdown_timeout: 2s', 'shutdown_timeout: 3s'), env('drainer'))
    const port = freePort()
    const entry = await startEntry(entryFile(port, 'drain'), port, env())
    const quick = post(entry, { workflow_id: 'slow', input: { text: 'quick', seconds: 1 }, output_only: true })
    const long = post(entry, { workflow_id: 'slow', input: { text: 'long', seconds: 20 }, output_only: true })
    await Bun.sleep(500)
    const stoppedAt = performance.now()
    worker.proc.kill('SIGTERM')
    const later = post(entry, { workflow_id: 'slow', input: { text: 'later' }, output_only: true })
    expect(await (await quick).json()).toEqual({ text: 'quick from drainer' })
    const failed = await long
    expect(failed.status).toBe(500)
    expect(await failed.text()).toContain('stopped before the run finished (shutdown_timeout: 3 s)')
    expect(await worker.proc.exited).toBe(143)
    expect(performance.now() - stoppedAt).toBeLessThan(10_000)
    // The run sent after the SIGTERM waits in the queue for the next worker.
    await startWorker(workerFile('drain'), env('successor'))
    expect(await (await later).json()).toEqual({ text: 'later from successor' })
  }, 40_000)
})

describe.if(available)('compose files', () => {
  const validate = (yaml: string) => runMc(['validate'], { cwd: composeDir({ 'model-compose.yml': yaml }) })
  const SHELL = 'component:\n  type: shell\n  action:\n    command: [echo]\n'

  test.each([
    ['url and host', 'controller:\n  queue:\n    driver: redis\n    url: redis://r:6379\n    host: r\n', 'model-compose.yml:5:5: controller.queue.host: use either "url" or "host" (with port, secure), not both'],
    ['a database out of range', 'controller:\n  adapters:\n    - type: http-server\n    - type: queue-subscriber\n      driver: redis\n      database: 16\n', 'model-compose.yml:6:17: controller.adapters[1].database: expected a database number (0-15), got 16'],
    ['a workflow the worker lacks', 'controller:\n  adapter:\n    type: queue-subscriber\n    driver: redis\n    workflow: chat\n', 'model-compose.yml:5:15: controller.adapter.workflow: unknown workflow "chat": this worker can only run the file\'s own (__default__, __workflow__)'],
    ['a bad pop_timeout', 'controller:\n  adapter:\n    type: queue-subscriber\n    driver: redis\n    pop_timeout: soon\n', 'model-compose.yml:5:18: controller.adapter.pop_timeout: expected a duration: seconds as a number, or text like "500ms", "30s", "5m", "1h", "1d", got "soon"'],
    ['a Web UI on a worker', 'controller:\n  adapter:\n    type: queue-subscriber\n    driver: redis\n  webui:\n    driver: gradio\n', 'model-compose.yml:5:3: controller.webui: a Web UI needs an http-server adapter: this controller is a queue worker only'],
  ])('%s: one line naming the place', async (_name, controller, message) => {
    const { code, stderr } = await validate(`${controller}${SHELL}`)
    expect(code).not.toBe(0)
    expect(stderr.trim()).toBe(`mc | error: ${message}`)
  })
})
