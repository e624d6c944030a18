// The entry point's half of one dispatch, up to the worker's first answer:
// SUBSCRIBE to the result channel, and only once Redis confirmed it, LPUSH
// the task (a result cannot be published before anyone listens). The result
// key is read too — right after the push and then every few seconds — so a
// result whose message was missed (a dropped pub/sub connection) still
// arrives. Meanwhile: the queue's `timeout`, the worker's heartbeat, and the
// caller's abort. However the wait fails, a task no worker took yet is taken
// back off the queue (LREM): nobody would read its result. The push also
// keeps the queue list's TTL at least `ttlMs` (Redis 7), so tasks that no
// worker ever takes do not stay for good, and a push that finds more than
// `maxLength` tasks waiting takes its own back: the queue is full (503).

import type { RedisClient } from 'bun'
import { busy, upstreamTimedOut } from '../../errors.ts'
import { abortable } from '../abortable.ts'
import { LOOK_EVERY_MS, type WorkerWatch } from '../heartbeat.ts'
import { parseObject, type ResultMessage } from '../protocol.ts'
import type { Subscriptions } from '../subscriptions.ts'

export interface ResultWait {
  redis: RedisClient
  subscriptions: Subscriptions
  queueKey: string
  resultKey: string
  /** The task message, as pushed. */
  message: string
  watch: WorkerWatch
  /** 0 = no limit. */
  timeoutMs: number
  /** The queue list's TTL; 0 = none. */
  ttlMs: number
  /** Tasks waiting in the queue list at most. */
  maxLength: number
  signal: AbortSignal
}

export async function pushAndWait(wait: ResultWait): Promise<ResultMessage> {
  const { redis, resultKey, signal } = wait
  let settle!: (result: ResultMessage) => void
  const arrived = new Promise<ResultMessage>((resolve) => (settle = resolve))
  const accept = (text: string | null) => {
    const result = parseObject<ResultMessage>(text)
    if (result) settle(result)
  }
  const unsubscribe = await wait.subscriptions.listen(resultKey, accept)
  let pushed = false
  const withdraw = async () => (await redis.send('LREM', [wait.queueKey, '1', wait.message])) === 1
  try {
    const [length] = await Promise.all([redis.send('LPUSH', [wait.queueKey, wait.message]), keepAtLeast(redis, wait.queueKey, wait.ttlMs)])
    pushed = true
    if ((length as number) > wait.maxLength && (await withdraw())) {
      throw busy(`queue "${wait.queueKey}" has ${wait.maxLength} tasks waiting for a worker, its limit (MC_QUEUE_MAX_LENGTH); try again later`)
    }
    const started = performance.now()
    for (;;) {
      accept(await redis.get(resultKey))
      const left = wait.timeoutMs > 0 ? wait.timeoutMs - (performance.now() - started) : Number.POSITIVE_INFINITY
      if (left <= 0) throw upstreamTimedOut(`no result from queue "${wait.queueKey}" within ${wait.timeoutMs / 1000} s (the queue's timeout)`)
      const result = await abortable(Promise.race([arrived, tick(Math.min(LOOK_EVERY_MS, left))]), signal)
      if (result) return result
      if ((await wait.watch.look()) === 'lost') {
        accept(await redis.get(resultKey))
        const last = await Promise.race([arrived, tick(0)])
        if (last) return last
        throw new Error(wait.watch.lostMessage())
      }
    }
  } catch (error) {
    // Not taken yet: nobody will run it. (Taken: the dispatcher's cancel reaches the worker.)
    if (pushed) await withdraw().catch(() => {})
    throw error
  } finally {
    unsubscribe()
  }
}

/** The list's TTL raised to `ttlMs` if it is lower or unset: entry points with longer timeouts keep theirs. */
function keepAtLeast(redis: RedisClient, key: string, ttlMs: number): Promise<unknown> {
  if (ttlMs <= 0) return Promise.resolve()
  // NX sets a TTL where there is none, GT raises a shorter one; Redis before 7 knows neither: the list keeps none.
  const options = ['NX', 'GT'].map((option) => redis.send('PEXPIRE', [key, String(Math.ceil(ttlMs)), option]).catch(() => {}))
  return Promise.all(options)
}

function tick(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
