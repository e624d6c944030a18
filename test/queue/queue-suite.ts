// What the queue suites (queue.test.ts, queue-wire-format.test.ts) share:
// a real redis-server of the file's own, the test's raw connection to it, the
// local upstream and a slow one (150 ms between events), and the mc entry
// points and workers the file starts, all stopped after its tests. The
// variables are live bindings, set by queueSuite's beforeAll.

import { afterAll, beforeAll } from 'bun:test'
import { RedisClient } from 'bun'
import { QueueProcesses } from '../support/queue-processes.ts'
import { startRedis, type TestRedis } from '../support/redis.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
export let redis: TestRedis
export let upstream: Upstream
export let slow: Upstream
/** The test's own connection, playing model-compose's side. */
export let raw: RedisClient
const processes = new QueueProcesses()
export const startWorker = (yaml: string, env?: Record<string, string>) => processes.startWorker(yaml, env)
export const startEntry = (yaml: string, port: number, env?: Record<string, string>) => processes.startEntry(yaml, port, env)

/** Registers the calling file's beforeAll and afterAll: nothing starts unless `available` (redis-server is installed). */
export function queueSuite(available: boolean): void {
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
}

export const env = (worker = 'entry') => ({ REDIS_URL: redis.url, U: upstream.url, WORKER: worker })
