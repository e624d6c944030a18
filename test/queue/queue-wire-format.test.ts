// model-compose's queue (0.4.92, §7.3–7.5) on the wire, on one real
// redis-server: the test plays model-compose's side in raw Redis commands
// against an mc worker and an mc entry point, and model-compose's own
// workflow-queue examples run as two mc processes. The setup is in
// queue-suite.ts.

import { beforeAll, describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, readPieces, type McProcess } from '../support/mc.ts'
import { entryFile, post, workerFile } from '../support/queue-processes.ts'
import { eventReader } from '../support/task-streams.ts'
import { firstMessage, redisAvailable, takeTask } from '../support/redis.ts'
import { env, queueSuite, raw, redis, slow, startEntry, startWorker, ULID } from './queue-suite.ts'

const available = redisAvailable()
queueSuite(available)

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
    const result = JSON.parse(await firstMessage(redis.url, 'mcw:slow:run-002', () => raw.send('LPUSH', ['mcw:slow', '{"task_id":"t2","run_id":"run-002","input":{"text":"x","seconds":"soon"}}']))) as Record<string, unknown>
    expect(result).toMatchObject({ task_id: 't2', run_id: 'run-002', status: 'failed', worker_id: 'wire-worker', error: expect.stringMatching(/^input\.seconds: expected a number/) })
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
    const task = await takeTask(redis.url, 'mcd:remote')
    // expires_at is mc's addition (a model-compose worker reads the others only).
    expect(Object.keys(task)).toEqual(['task_id', 'run_id', 'input', 'expires_at'])
    expect(task.run_id).toMatch(ULID)
    expect(task.input).toEqual({ text: 'hi', n: 2 })
    await answer(`mcd:remote:${task.run_id}`, { task_id: task.task_id, run_id: task.run_id, status: 'completed', worker_id: 'py-1', output: { text: 'done' } })
    expect(await (await response).json()).toMatchObject({ status: 'completed', output: { text: 'done' } })
  })

  test('a result that was stored but whose message was missed still arrives (the result key is read too)', async () => {
    const response = post(entry, { workflow_id: 'remote', input: {}, output_only: true })
    const task = await takeTask(redis.url, 'mcd:remote')
    await answer(`mcd:remote:${task.run_id}`, { task_id: task.task_id, run_id: task.run_id, status: 'completed', worker_id: 'py-1', output: 'polled' }, { publish: false })
    expect(await (await response).json()).toBe('polled')
  })

  test('a streamed result: chunks as model-compose writes them, from the stream\'s first entry', async () => {
    const response = post(entry, { workflow_id: 'remote', input: {}, output_only: true })
    const task = await takeTask(redis.url, 'mcd:remote')
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
    const task = await takeTask(redis.url, 'mcd:remote')
    const key = `mcd:remote:${task.run_id}`
    await answer(key, { task_id: task.task_id, run_id: task.run_id, status: 'streaming', worker_id: 'py-1', stream_key: `${key}:stream` }, { store: false })
    await raw.send('XADD', [`${key}:stream`, '*', 'event', 'chunk', 'data', 'partial'])
    await raw.send('XADD', [`${key}:stream`, '*', 'event', 'error', 'data', 'upstream went away'])
    const next = eventReader((await streamed).body!)
    expect([await next(), await next(), await next()]).toEqual(['partial', 'error: {"detail":"upstream went away"}', undefined])

    const failed = post(entry, { workflow_id: 'remote', input: {} })
    const second = await takeTask(redis.url, 'mcd:remote')
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

describe.if(available)('model-compose\'s workflow-queue examples, dispatcher and subscriber as two processes', () => {
  /** An example's text, with only Redis's port, the HTTP ports and OpenAI's URL changed. */
  const example = (path: string, swaps: [string, string][]) => {
    let text = readFileSync(join(import.meta.dir, '../fixtures/model-compose/0.4.92/workflow-queue', path, 'model-compose.yml'), 'utf8')
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
