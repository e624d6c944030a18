// What a queue entry point may put on Redis, and what a worker keeps (issue
// 18): only workflows a live worker announces or the file declares are
// dispatched, task messages and the queue are bounded, what is pushed
// expires, a dispatch times out by default and then withdraws or cancels its
// task, and a worker's stream and collected output are bounded. Real mc
// processes and a real redis-server; the test plays model-compose's worker in
// raw Redis commands where one is needed.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { composeDir, freePort, runMc, type McProcess } from '../support/mc.ts'
import { entryFile, post, QueueProcesses, withRedisTaskStore, workerFile } from '../support/queue-processes.ts'
import { firstMessage, redisAvailable, startRedis, takeTask, type TestRedis } from '../support/redis.ts'
import { eventReader, until } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const available = redisAvailable()
const processes = new QueueProcesses()
let redis: TestRedis
let upstream: Upstream
/** The test's own connection, playing model-compose's side. */
let raw: RedisClient

beforeAll(async () => {
  if (!available) return
  redis = await startRedis()
  raw = new RedisClient(redis.url)
  upstream = startUpstream()
})
afterAll(async () => {
  await processes.stopAll()
  raw?.close()
  upstream?.stop()
  await redis?.stop()
})

const env = (worker = 'entry', extra: Record<string, string> = {}) => ({ REDIS_URL: redis.url, U: upstream.url, WORKER: worker, ...extra })
const startEntry = async (queue: string, extra = '', settings: Record<string, string> = {}): Promise<McProcess> => {
  const port = freePort()
  return processes.startEntry(entryFile(port, queue, extra), port, env('entry', settings))
}
const redisTime = async () => {
  const [seconds, micros] = (await raw.send('TIME', [])) as [string, string]
  return Number(seconds) * 1000 + Number(micros) / 1000
}



describe.if(available)('which workflows an entry point sends to its queue', () => {
  test('made-up workflow ids are 404, as without a queue, and nothing of theirs reaches Redis', async () => {
    const entry = await startEntry('gate')
    const payload = 'x'.repeat(256 * 1024)
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(entry, { workflow_id: `junk-${i}`, input: { payload }, wait_for_completion: false }).then(async (r) => [r.status, await r.json()] as const)),
    )
    for (const [i, [status, body]] of answers.entries()) {
      expect(status).toBe(404)
      expect(body).toEqual({ detail: `unknown workflow "junk-${i}" (workflows: local)` })
    }
    expect(await raw.keys('gate:*')).toEqual([])
  })

  test("a live mc worker's workflows are dispatched; once it is gone its announcement lapses and they are unknown again", async () => {
    const worker = await processes.startWorker(workerFile('announced'), env('announcer'))
    const entry = await startEntry('announced')
    expect(await (await post(entry, { workflow_id: 'slow', input: { text: 'hi' }, output_only: true })).json()).toEqual({ text: 'hi from announcer' })
    expect(((await raw.send('ZRANGE', ['announced:mc:workflows', '0', '-1'])) as string[]).sort()).toEqual(['chat', 'slow', 'story'])
    expect(await raw.pttl('announced:mc:workflows')).toBeLessThanOrEqual(10_000)
    worker.proc.kill('SIGKILL')
    await until('the announcement to lapse', async () => !(await raw.exists('announced:mc:workflows')), 15_000)
    await Bun.sleep(1_500) // the entry point reads the announcements once a second
    const response = await post(entry, { workflow_id: 'slow', input: { text: 'hi' } })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ detail: 'unknown workflow "slow" (workflows: local)' })
  }, 30_000)

  test('a workflow of the file itself cannot be declared remote', async () => {
    const yaml = entryFile(8080, 'own', '\n    workflows: [remote, local]').replace('${env.REDIS_URL}', 'redis://127.0.0.1:6379')
    const { code, stderr } = await runMc(['validate'], { cwd: composeDir({ 'model-compose.yml': yaml }) })
    expect(code).not.toBe(0)
    expect(stderr).toContain('controller.queue.workflows[1]: workflow "local" is this file\'s own: it runs here, not on the queue')
  })
})

describe.if(available)('what a dispatch leaves on Redis when no worker answers', () => {
  test('a declared workflow nobody serves: 504 after the timeout, its task taken back off the queue, the list expiring meanwhile', async () => {
    const entry = await startEntry('decl', '\n    timeout: 1s\n    workflows: [offline]')
    const response = post(entry, { workflow_id: 'offline', input: { text: 'anyone?' } })
    await until('the task to be queued', async () => (await raw.llen('decl:offline')) === 1)
    const ttl = await raw.pttl('decl:offline')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(1000)
    expect((await response).status).toBe(504)
    expect(await raw.llen('decl:offline')).toBe(0)
  })

  test("the timeout passing after a model-compose worker took the task publishes model-compose's cancel for it", async () => {
    const entry = await startEntry('took', '\n    timeout: 1s\n    workflows: [remote]')
    let task: Awaited<ReturnType<typeof takeTask>> | undefined
    let response: Promise<Response> | undefined
    const cancel = await firstMessage(redis.url, 'took:cancel', async () => {
      response = post(entry, { workflow_id: 'remote', input: {} })
      task = await takeTask(redis.url, 'took:remote')
    })
    expect(JSON.parse(cancel)).toEqual({ task_id: task!.task_id })
    expect((await response!).status).toBe(504)
  })

  test('with no `timeout` written, a task expires 10 minutes after it is pushed (expires_at, on Redis\'s clock)', async () => {
    const entry = await startEntry('deflt', '\n    workflows: [remote]')
    const response = post(entry, { workflow_id: 'remote', input: {}, output_only: true })
    const task = await takeTask(redis.url, 'deflt:remote')
    expect(task.expires_at! - (await redisTime())).toBeGreaterThan(595_000)
    expect(task.expires_at! - (await redisTime())).toBeLessThanOrEqual(600_000)
    const result = JSON.stringify({ task_id: task.task_id, run_id: task.run_id, status: 'completed', worker_id: 'py', output: 'ok' })
    await raw.send('SETEX', [`deflt:remote:${task.run_id}`, '60', result])
    await raw.publish(`deflt:remote:${task.run_id}`, result)
    expect(await (await response).json()).toBe('ok')
  })

  test('an mc worker does not run a task whose expires_at passed while it waited: its result says failed, 504', async () => {
    await processes.startWorker(workerFile('late'), env('late-worker'))
    const expired = JSON.stringify({ task_id: 't-late', run_id: 'r-late', input: { text: 'stale' }, expires_at: Math.round(await redisTime()) - 1000 })
    const result = JSON.parse(await firstMessage(redis.url, 'late:slow:r-late', () => raw.send('LPUSH', ['late:slow', expired])))
    expect(result).toMatchObject({ task_id: 't-late', status: 'failed', http_status: 504, error: expect.stringContaining('past its expires_at') })
  })
})

describe.if(available)('bounds on what is pushed', () => {
  test('a task message over MC_QUEUE_MAX_MESSAGE_BYTES is 413 and not pushed; past MC_QUEUE_MAX_LENGTH waiting tasks, 503 with Retry-After', async () => {
    const entry = await startEntry('full', '\n    workflows: [remote]', { MC_QUEUE_MAX_MESSAGE_BYTES: '1KiB', MC_QUEUE_MAX_LENGTH: '2' })
    const big = await post(entry, { workflow_id: 'remote', input: { text: 'x'.repeat(2000) } })
    expect(big.status).toBe(413)
    expect(((await big.json()) as { detail: string }).detail).toContain('MC_QUEUE_MAX_MESSAGE_BYTES: 1 KiB')
    expect(await raw.llen('full:remote')).toBe(0)
    for (let i = 0; i < 2; i++) expect((await post(entry, { workflow_id: 'remote', input: { i }, wait_for_completion: false })).status).toBe(200)
    await until('two tasks to wait in the queue', async () => (await raw.llen('full:remote')) === 2)
    const third = await post(entry, { workflow_id: 'remote', input: { i: 3 } })
    expect(third.status).toBe(503)
    expect(third.headers.get('retry-after')).toBe('5')
    expect(((await third.json()) as { detail: string }).detail).toContain('MC_QUEUE_MAX_LENGTH')
    expect(await raw.llen('full:remote')).toBe(2)
  })

  test('past MC_QUEUE_IN_FLIGHT_BYTES of tasks waiting for workers, a dispatch is 503 until one is answered', async () => {
    const entry = await startEntry('held', '\n    workflows: [remote]', { MC_QUEUE_IN_FLIGHT_BYTES: '8KiB' })
    const text = 'y'.repeat(5000)
    expect((await post(entry, { workflow_id: 'remote', input: { text }, wait_for_completion: false })).status).toBe(200)
    await until('the task to be queued', async () => (await raw.llen('held:remote')) === 1)
    const refused = await post(entry, { workflow_id: 'remote', input: { text } })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(((await refused.json()) as { detail: string }).detail).toContain('MC_QUEUE_IN_FLIGHT_BYTES')
    const task = await takeTask(redis.url, 'held:remote')
    const result = JSON.stringify({ task_id: task.task_id, run_id: task.run_id, status: 'completed', worker_id: 'py', output: 'done' })
    await raw.send('SETEX', [`held:remote:${task.run_id}`, '60', result])
    await raw.publish(`held:remote:${task.run_id}`, result)
    await until('room again', async () => {
      const again = await post(entry, { workflow_id: 'remote', input: { text }, wait_for_completion: false })
      return again.status === 200
    })
  })
})

describe.if(available)("what a worker's streamed output may grow to", () => {
  test('a stream keeps its last 10,000 chunks or so, numbered', async () => {
    await processes.startWorker(workerFile('long'), env('long-writer'))
    const prompt = Array.from({ length: 12_000 }, (_, i) => `w${i}`).join(' ')
    await raw.send('LPUSH', ['long:story', JSON.stringify({ task_id: 't-long', run_id: 'r-long', input: { prompt } })])
    const last = async () => ((await raw.send('XREVRANGE', ['long:story:r-long:stream', '+', '-', 'COUNT', '1'])) as [string, string[]][])[0]?.[1]
    await until('the stream to end', async () => (await last())?.[1] === 'done', 30_000)
    const length = (await raw.send('XLEN', ['long:story:r-long:stream'])) as number
    expect(length).toBeGreaterThanOrEqual(10_000)
    expect(length).toBeLessThan(10_200)
    const [[, first]] = (await raw.send('XRANGE', ['long:story:r-long:stream', '-', '+', 'COUNT', '1'])) as [[string, string[]]]
    expect(Number(first[first.indexOf('seq') + 1])).toBeGreaterThan(1_800)
  }, 40_000)

  test('an mc entry point reading a stream trimmed under it ends it with an error event instead of skipping chunks', async () => {
    const entry = await startEntry('gap', '\n    workflows: [remote]')
    const response = post(entry, { workflow_id: 'remote', input: {}, output_only: true })
    const task = await takeTask(redis.url, 'gap:remote')
    const key = `gap:remote:${task.run_id}`
    // As an mc worker writes them, chunks 1 to 4 already trimmed.
    for (const seq of [5, 6]) await raw.send('XADD', [`${key}:stream`, '*', 'event', 'chunk', 'data', `c${seq}`, 'kind', 'text', 'seq', String(seq)])
    await raw.publish(key, JSON.stringify({ task_id: task.task_id, run_id: task.run_id, status: 'streaming', worker_id: 'w', stream_key: `${key}:stream` }))
    const next = eventReader((await response).body!)
    expect(await next()).toContain('chunks 1 to 4 were dropped before they were read')
    expect(await next()).toBeUndefined()
  })

  test('a worker recording a stream in the shared task store keeps MC_TASK_OUTPUT_BYTES of it as the output', async () => {
    const store = (yaml: string) => withRedisTaskStore(yaml, redis.url, 'bounded')
    await processes.startWorker(store(workerFile('kept')), env('recorder', { MC_TASK_OUTPUT_BYTES: '8' }))
    const port = freePort()
    const entry = await processes.startEntry(store(entryFile(port, 'kept')), port, env())
    const started = await post(entry, { workflow_id: 'story', input: { prompt: 'sea waves' }, wait_for_completion: false })
    const { task_id } = (await started.json()) as { task_id: string }
    let task: Record<string, unknown> = {}
    await until('the task to finish', async () => {
      task = (await (await fetch(`${entry.url}/api/tasks/${task_id}`)).json()) as Record<string, unknown>
      return task.status === 'completed'
    })
    // "You" + " said:" is 9 bytes: the second chunk is cut to what fits.
    expect(task).toMatchObject({ output: 'You said', output_truncated: true })
  })
})
