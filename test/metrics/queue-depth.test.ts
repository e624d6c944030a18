// Queue mode: `mc_queue_depth` is the number of tasks waiting on the queue
// for a worker (Redis' list), by workflow; it falls back once a worker takes
// them, and the runs a worker ran are counted by the entry point.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { freePort, type McProcess } from '../support/mc.ts'
import { entryFile, post, QueueProcesses, workerFile } from '../support/queue-processes.ts'
import { redisAvailable, startRedis, type TestRedis } from '../support/redis.ts'
import { valueOf } from './exposition.ts'

if (redisAvailable()) {
  const processes = new QueueProcesses()
  let redis: TestRedis
  let entry: McProcess
  beforeAll(async () => {
    redis = await startRedis()
    const port = freePort()
    entry = await processes.startEntry(entryFile(port, 'metrics-q', '\n    workflows: [slow]'), port, { REDIS_URL: redis.url })
  })
  afterAll(async () => {
    await processes.stopAll()
    await redis?.stop()
  })

  const scrape = async () => (await fetch(`${entry.url}/api/metrics`)).text()

  test('tasks waiting for a worker, then none once one takes them', async () => {
    for (let i = 0; i < 3; i++) expect((await post(entry, { workflow_id: 'slow', input: { seconds: 0, text: `t${i}` }, wait_for_completion: false })).status).toBe(200)
    let text = await scrape()
    for (let i = 0; i < 200 && valueOf(text, 'mc_queue_depth', { workflow: 'slow' }) < 3; i++) text = (await Bun.sleep(25), await scrape())
    expect(valueOf(text, 'mc_queue_depth', { workflow: 'slow' })).toBe(3)
    await processes.startWorker(workerFile('metrics-q'), { REDIS_URL: redis.url, WORKER: 'w1', U: 'http://127.0.0.1:9' })
    for (let i = 0; i < 400 && valueOf(text, 'mc_runs_total', { workflow: 'slow', status: 'completed' }) < 3; i++) text = (await Bun.sleep(25), await scrape())
    expect(valueOf(text, 'mc_queue_depth', { workflow: 'slow' })).toBe(0)
    expect(valueOf(text, 'mc_runs_total', { workflow: 'slow', status: 'completed' })).toBe(3)
  })
}
