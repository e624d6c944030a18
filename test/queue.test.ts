// model-compose's queue (0.4.92, §7.3–7.5) between real processes on one
// real redis-server: an mc entry point (`controller.queue`) handing runs to
// mc workers (`queue-subscriber`), model-compose's own workflow-queue
// examples as two processes, and the wire format both ways with the test
// playing model-compose's side in raw Redis commands.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, readPieces, runMc, type McProcess } from './support/mc.ts'
import { entryFile, post, QueueProcesses, workerFile } from './support/queue-processes.ts'
import { eventReader } from './support/task-streams.ts'
import { firstMessage, redisAvailable, startRedis, type TestRedis } from './support/redis.ts'
import { startUpstream, type Upstream } from './support/upstream.ts'

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
let redis: TestRedis
let upstream: Upstream
let slow: Upstream
/** The test's own connection, playing model-compose's side. */
let raw: RedisClient
const processes = new QueueProcesses()
const startWorker = (yaml: string, env?: Record<string, string>) => processes.startWorker(yaml, env)
const startEntry = (yaml: string, port: number, env?: Record<string, string>) => processes.startEntry(yaml, port, env)

const available = redisAvailable()

beforeAll(async () => {
  if (!available) return
  redis = await startRedis()
  raw = new RedisClient(redis.url)
  upstream = startUpstream()
  slow = startUpstream({ delayMs: 150 })
})
afterAll(async () => {
  await processes.stopAll()
  raw?.close()
  upstream?.stop()
  slow?.stop()
  await redis?.stop()
})

const env = (worker = 'entry') => ({ REDIS_URL: redis.url, U: upstream.url, WORKER: worker })

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
    const response = await post(entry, { workflow_id: 'slow', input: {} })
    expect(response.status).toBe(422)
    expect(await response.text()).toContain('input.text: is required')
  })
})


/** A Redis Stream's entries from the start until `done` or `error`, each as its fields. */
async function streamEntries(key: string): Promise<Record<string, string>[]> {
  const reader = new RedisClient(redis.url)
  const entries: Record<string, string>[] = []
  let last = '0-0'
  try {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      const reply = (await reader.send('XREAD', ['BLOCK', '1000', 'STREAMS', key, last])) as Record<string, [string, string[]][]> | null
      for (const [id, flat] of reply?.[key] ?? []) {
        last = id
        const fields = Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]!]] : [])))
        entries.push(fields)
        if (fields.event !== 'chunk') return entries
      }
    }
    throw new Error(`no end on ${key} for 15 s`)
  } finally {
    reader.close()
  }
}

describe.if(available)('wire format: a model-compose producer and an mc worker', () => {
  beforeAll(async () => {
    await startWorker(workerFile('mcw', '\n    result_ttl: 30m'), env('wire-worker'))
  })

  test('a task pushed as the guide does it (redis-cli LPUSH) gets model-compose\'s result, published and stored', async () => {
    const message = await firstMessage(redis.url, 'mcw:slow:run-001', () => raw.send('LPUSH', ['mcw:slow', '{"task_id":"t1","run_id":"run-001","input":{"text":"raw"}}']))
    const result = JSON.parse(message)
    expect(Object.keys(result)).toEqual(['task_id', 'run_id', 'status', 'worker_id', 'output'])
    expect(result).toEqual({ task_id: 't1', run_id: 'run-001', status: 'completed', worker_id: 'wire-worker', output: { text: 'raw from wire-worker' } })
    expect(await raw.get('mcw:slow:run-001')).toBe(message)
    const ttl = await raw.ttl('mcw:slow:run-001')
    expect(ttl).toBeGreaterThan(1700)
    expect(ttl).toBeLessThanOrEqual(1800)
  })

  test('a failed run: status failed and the error', async () => {
    const result = JSON.parse(await firstMessage(redis.url, 'mcw:slow:run-002', () => raw.send('LPUSH', ['mcw:slow', '{"task_id":"t2","run_id":"run-002","input":{}}']))) as Record<string, unknown>
    expect(result).toMatchObject({ task_id: 't2', run_id: 'run-002', status: 'failed', worker_id: 'wire-worker', error: 'input.text: is required' })
  })

  test('a streamed run: status streaming naming the stream, then chunk entries and done', async () => {
    const message = await firstMessage(redis.url, 'mcw:story:run-003', () => raw.send('LPUSH', ['mcw:story', '{"task_id":"t3","run_id":"run-003","input":{"prompt":"sea waves"}}']))
    expect(JSON.parse(message)).toEqual({ task_id: 't3', run_id: 'run-003', status: 'streaming', worker_id: 'wire-worker', stream_key: 'mcw:story:run-003:stream' })
    const entries = await streamEntries('mcw:story:run-003:stream')
    expect(entries.at(-1)).toEqual({ event: 'done' })
    // Text chunks are written as they are (model-compose's rule), one entry per token; `kind` is mc's addition.
    const chunks = entries.slice(0, -1)
    expect(chunks.every((e) => e.event === 'chunk' && e.kind === 'text')).toBe(true)
    expect(chunks.map((e) => e.data).filter(Boolean)).toEqual(['You', ' said:', ' sea', ' waves'])
    expect(await raw.ttl('mcw:story:run-003:stream')).toBeGreaterThan(1700)
  })

  test('a binary input sent as a blob marker reaches the workflow as its bytes', async () => {
    await raw.send('SETEX', ['mcw:slow:run-004:blob:01', '60', 'blob bytes'])
    const marker = { key: 'mcw:slow:run-004:blob:01', filename: 'a.txt', content_type: 'text/plain', origin_type: 'upload_file', size: 10 }
    const task = JSON.stringify({ task_id: 't4', run_id: 'run-004', input: { text: marker } })
    const result = JSON.parse(await firstMessage(redis.url, 'mcw:slow:run-004', () => raw.send('LPUSH', ['mcw:slow', task])))
    expect(result).toMatchObject({ status: 'completed', output: { text: 'blob bytes from wire-worker' } })
    expect(await raw.exists('mcw:slow:run-004:blob:01')).toBe(false)
  })

  test('a worker with no worker_id names itself with a ULID', async () => {
    await startWorker(workerFile('anon').replace('    worker_id: ${env.WORKER}\n', ''), env('anon'))
    const result = JSON.parse(await firstMessage(redis.url, 'anon:slow:r', () => raw.send('LPUSH', ['anon:slow', '{"task_id":"t","run_id":"r","input":{"text":"x"}}'])))
    expect(result.worker_id).toMatch(ULID)
  })
})

/** Plays a model-compose worker taking one task: BRPOP, as its consumer loop does. */
async function takeTask(queue: string): Promise<{ task_id: string; run_id: string; input: unknown }> {
  const popper = new RedisClient(redis.url)
  try {
    const popped = (await popper.send('BRPOP', [queue, '15'])) as [string, string] | null
    if (!popped) throw new Error(`nothing on ${queue} for 15 s`)
    return JSON.parse(popped[1])
  } finally {
    popper.close()
  }
}

/** A result as model-compose's worker writes it (Python's json.dumps spacing), stored with its TTL and published. */
async function answer(key: string, result: Record<string, unknown>, { store = true, publish = true } = {}) {
  const text = JSON.stringify(result).replaceAll('":', '": ').replaceAll(',"', ', "')
  if (store) await raw.send('SETEX', [key, '3600', text])
  if (publish) await raw.publish(key, text)
}

describe.if(available)('wire format: an mc entry point and a model-compose worker', () => {
  let entry: McProcess
  beforeAll(async () => {
    const port = freePort()
    // model-compose's workers announce nothing: the entry point's file declares what they serve.
    entry = await startEntry(entryFile(port, 'mcd', '\n    timeout: 5s\n    workflows: [remote, nobody-serves-this]'), port, env())
  })

  test('the task message is model-compose\'s; its result is the run\'s answer', async () => {
    const response = post(entry, { workflow_id: 'remote', input: { text: 'hi', n: 2 } })
    const task = await takeTask('mcd:remote')
    // expires_at is mc's addition (a model-compose worker reads the others only).
    expect(Object.keys(task)).toEqual(['task_id', 'run_id', 'input', 'expires_at'])
    expect(task.run_id).toMatch(ULID)
    expect(task.input).toEqual({ text: 'hi', n: 2 })
    await answer(`mcd:remote:${task.run_id}`, { task_id: task.task_id, run_id: task.run_id, status: 'completed', worker_id: 'py-1', output: { text: 'done' } })
    expect(await (await response).json()).toMatchObject({ status: 'completed', output: { text: 'done' } })
  })

  test('a result that was stored but whose message was missed still arrives (the result key is read too)', async () => {
    const response = post(entry, { workflow_id: 'remote', input: {}, output_only: true })
    const task = await takeTask('mcd:remote')
    await answer(`mcd:remote:${task.run_id}`, { task_id: task.task_id, run_id: task.run_id, status: 'completed', worker_id: 'py-1', output: 'polled' }, { publish: false })
    expect(await (await response).json()).toBe('polled')
  })

  test('a streamed result: chunks as model-compose writes them, from the stream\'s first entry', async () => {
    const response = post(entry, { workflow_id: 'remote', input: {}, output_only: true })
    const task = await takeTask('mcd:remote')
    const key = `mcd:remote:${task.run_id}`
    // Written before the entry point even knows of the stream: still read.
    await raw.send('XADD', [`${key}:stream`, '*', 'event', 'chunk', 'data', 'Hello'])
    await answer(key, { task_id: task.task_id, run_id: task.run_id, status: 'streaming', worker_id: 'py-1', stream_key: `${key}:stream` }, { store: false })
    await raw.send('XADD', [`${key}:stream`, '*', 'event', 'chunk', 'data', ' world'])
    await raw.send('XADD', [`${key}:stream`, '*', 'event', 'chunk', 'data', '{"a": 1}'])
    await raw.send('XADD', [`${key}:stream`, '*', 'event', 'done'])
    const next = eventReader((await response).body!)
    const events: string[] = []
    for (let event = await next(); event !== undefined; event = await next()) events.push(event)
    expect(events).toEqual(['Hello', ' world', '{"a":1}'])
  })

  test('an error entry ends the stream with an error event; a failed result is an error answer', async () => {
    const streamed = post(entry, { workflow_id: 'remote', input: {}, output_only: true })
    const task = await takeTask('mcd:remote')
    const key = `mcd:remote:${task.run_id}`
    await answer(key, { task_id: task.task_id, run_id: task.run_id, status: 'streaming', worker_id: 'py-1', stream_key: `${key}:stream` }, { store: false })
    await raw.send('XADD', [`${key}:stream`, '*', 'event', 'chunk', 'data', 'partial'])
    await raw.send('XADD', [`${key}:stream`, '*', 'event', 'error', 'data', 'upstream went away'])
    const next = eventReader((await streamed).body!)
    expect([await next(), await next(), await next()]).toEqual(['partial', 'error: {"detail":"upstream went away"}', undefined])

    const failed = post(entry, { workflow_id: 'remote', input: {} })
    const second = await takeTask('mcd:remote')
    await answer(`mcd:remote:${second.run_id}`, { task_id: second.task_id, run_id: second.run_id, status: 'failed', worker_id: 'py-1', error: 'model exploded' })
    const response = await failed
    expect(response.status).toBe(500)
    expect(await response.text()).toContain('model exploded')
  })

  test('no worker answers: the queue\'s timeout (5 s) ends the wait with 504', async () => {
    const started = performance.now()
    const response = await post(entry, { workflow_id: 'nobody-serves-this', input: {} })
    expect(response.status).toBe(504)
    expect(await response.text()).toContain('within 5 s')
    expect(performance.now() - started).toBeGreaterThan(4500)
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

describe.if(available)('model-compose\'s workflow-queue examples, dispatcher and subscriber as two processes', () => {
  /** An example's text, with only Redis's port, the HTTP ports and OpenAI's URL changed. */
  const example = (path: string, swaps: [string, string][]) => {
    let text = readFileSync(join(import.meta.dir, 'fixtures/model-compose/0.4.92/workflow-queue', path, 'model-compose.yml'), 'utf8')
    const all: [string, string][] = [['port: 6379', `port: ${redis.port}`], ...swaps]
    for (const [from, to] of all) text = text.replaceAll(from, to)
    return text
  }
  const pair = async (kind: string) => {
    const port = freePort()
    await startWorker(example(`${kind}/subscriber`, [['https://api.openai.com/v1', `${slow.url}/v1`]]), { OPENAI_API_KEY: 'sk-test' })
    return startEntry(example(`${kind}/dispatcher`, [['port: 8080', `port: ${port}`], ['port: 8081', `port: ${freePort()}`]]), port)
  }

  test('non-stream: the echo runs on the subscriber', async () => {
    const entry = await pair('non-stream')
    expect(await (await post(entry, { input: { text: 'over the queue' }, output_only: true })).json()).toEqual({ text: 'over the queue' })
  })

  test('stream: the chat streams from the subscriber token by token', async () => {
    const entry = await pair('stream')
    const started = performance.now()
    const { text, pieces } = await readPieces(await post(entry, { input: { prompt: 'relay me' }, output_only: true }))
    const data = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6))
    expect(data.join('')).toBe('You said: relay me')
    // 150 ms between upstream events: the first token is out long before the last.
    expect(pieces[0]!.at - started).toBeLessThan(pieces.at(-1)!.at - started - 300)
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
    ['an mcp-server adapter', 'controller:\n  adapter:\n    type: mcp-server\n', 'model-compose.yml:3:11: controller.adapters[0].type: "mcp-server" is a model-compose controller adapter that mc does not have (mc has: http-server, queue-subscriber)'],
    ['a Web UI on a worker', 'controller:\n  adapter:\n    type: queue-subscriber\n    driver: redis\n  webui:\n    driver: gradio\n', 'model-compose.yml:5:3: controller.webui: a Web UI needs an http-server adapter: this controller is a queue worker only'],
  ])('%s: one line naming the place', async (_name, controller, message) => {
    const { code, stderr } = await validate(`${controller}${SHELL}`)
    expect(code).not.toBe(0)
    expect(stderr.trim()).toBe(`mc | error: ${message}`)
  })
})
