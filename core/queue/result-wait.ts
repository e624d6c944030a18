// The entry point's half of one dispatch, up to the worker's first answer:
// SUBSCRIBE to the result channel, and only once Redis confirmed it, LPUSH
// the task (a result cannot be published before anyone listens). The result
// key is read too — right after the push and then every few seconds — so a
// result whose message was missed (a dropped pub/sub connection) still
// arrives. Meanwhile: the queue's `timeout`, the worker's heartbeat, and the
// caller's abort, which takes a task no worker took yet back off the queue.

import type { RedisClient } from 'bun'
import { upstreamTimedOut } from '../errors.ts'
import { abortable } from './abortable.ts'
import { LOOK_EVERY_MS, type WorkerWatch } from './heartbeat.ts'
import { parseObject, type ResultMessage } from './protocol.ts'
import type { Subscriptions } from './subscriptions.ts'

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
  try {
    await redis.send('LPUSH', [wait.queueKey, wait.message])
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
    if (signal.aborted) await redis.send('LREM', [wait.queueKey, '1', wait.message]).catch(() => {})
    throw error
  } finally {
    unsubscribe()
  }
}

function tick(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
