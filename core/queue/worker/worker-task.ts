// One task a worker popped: its run through the Runtime, then its result under
// the result key (SET with result_ttl, and PUBLISH) — or, when the output
// streams, a `streaming` result naming the stream, and the chunks (stream-writer.ts).
// The result JSON is model-compose's: task_id, run_id, status, worker_id and
// output or error. A task an mc entry point created in the task store this
// worker shares is claimed and recorded there (claimed-task.ts); its streamed
// output then goes to the store, not to a Redis Stream, and the `streaming`
// result says `recorded` instead of naming a stream. A task whose `expires_at`
// passed while it waited in the queue is not run: its entry point stopped
// waiting (or is gone), so its result says it failed, 504.

import type { RedisClient } from 'bun'
import type { QueueSubscriberConfig, WorkflowModel } from '../../model/compose-model.ts'
import { messageOf, statusOf } from '../../errors.ts'
import { jsonText } from '../../http/json-response.ts'
import type { Logger } from '../../log.ts'
import type { Runtime } from '../../runtime/runtime.ts'
import { isStream } from '../../stream/stream.ts'
import type { TaskStore } from '../../tasks/store/task-store.ts'
import { takeBlobs } from '../blobs.ts'
import { ClaimedTask } from './claimed-task.ts'
import type { Heartbeats } from '../heartbeat.ts'
import { blobPrefix, heartbeatKey, resultKey, streamKey, type ResultMessage, type TaskMessage } from '../protocol.ts'
import type { RedisClock } from '../redis-clock.ts'
import { writeStream } from './stream-writer.ts'
import { failureStatus, inSpan, startSpan } from '../../observe/current-span.ts'

/** The abort reason of a run cancelled through `{name}:cancel`: its result says `cancelled`. */
export class TaskCancelled extends Error {
  constructor() {
    super('cancelled')
  }
}

export interface WorkerContext {
  runtime: Runtime
  redis: RedisClient
  config: QueueSubscriberConfig
  workerId: string
  heartbeats: Heartbeats
  /** Redis's clock, which `expires_at` is on. */
  clock: RedisClock
  /** Bytes of a recorded stream collected as its task's output (MC_TASK_OUTPUT_BYTES). */
  outputBytes: number
  /** The task store shared with entry points, when the worker records the tasks they create. */
  store?: TaskStore
  log: Logger
}

export async function runTask(context: WorkerContext, queueWorkflowId: string, workflow: WorkflowModel, message: TaskMessage, signal: AbortSignal): Promise<void> {
  const { runtime, redis, config, log } = context
  const key = resultKey(config.name, queueWorkflowId, message.run_id)
  // model-compose's order: task_id, run_id, status, worker_id, then output / error / stream_key.
  const publish = ({ status, ...rest }: Omit<ResultMessage, 'task_id' | 'run_id' | 'worker_id'>) =>
    publishResult(context, key, { task_id: message.task_id, run_id: message.run_id, status, worker_id: context.workerId, ...rest })
  const lateMs = typeof message.expires_at === 'number' ? context.clock.now() - message.expires_at : 0
  if (lateMs > 0) {
    log.warn(`task ${message.task_id} (run ${message.run_id}) was taken ${(lateMs / 1000).toFixed(1)} s after its entry point stopped waiting: not run`)
    await publish({ status: 'failed', error: 'the task waited in the queue past its expires_at: its entry point no longer waits for it, so it was not run', http_status: 504 })
    return
  }
  await context.heartbeats.add(heartbeatKey(key))
  const claimed = context.store && (await ClaimedTask.claim(context.store, String(message.task_id), log))
  // The run's span on this worker (core/observe/): to its result, or its stream's end.
  const span = startSpan('run', workflow.id, { 'workflow.id': workflow.id, 'task.id': String(message.task_id) })
  let failure: unknown
  try {
    let output: unknown
    try {
      const input = await takeBlobs(redis, message.input ?? {}, blobPrefix(key))
      output = await inSpan(span, () => runtime.run(workflow, input, signal))
    } catch (error) {
      failure = error
      log.debug(`task ${message.task_id} (run ${message.run_id}) failed: ${messageOf(error)}`)
      // The store first: an entry point that reads the result finds the task finished.
      await claimed?.fail(messageOf(signal.reason instanceof TaskCancelled ? signal.reason : error))
      if (signal.reason instanceof TaskCancelled) await publish({ status: 'cancelled' })
      else await publish({ status: 'failed', error: messageOf(error), http_status: statusOf(error) })
      return
    }
    if (!isStream(output)) {
      await claimed?.complete(output)
      await publish({ status: 'completed', output })
      return
    }
    if (claimed) {
      await claimed.markStreamed()
      await publish({ status: 'streaming', recorded: true })
      await claimed.record(output, workflow.streamFormat ?? 'sse-text', signal, context.outputBytes)
      return
    }
    const stream = streamKey(key)
    await publish({ status: 'streaming', stream_key: stream })
    await writeStream(redis, stream, output, signal, config.resultTtlSeconds)
  } catch (error) {
    failure = error
    throw error
  } finally {
    context.heartbeats.remove(heartbeatKey(key))
    if (failure === undefined && !signal.aborted) span.end('ok')
    else span.end(failureStatus(signal), failure)
  }
}

/** SET (for readers that poll) then PUBLISH (for readers that wait). */
async function publishResult(context: WorkerContext, key: string, result: ResultMessage): Promise<void> {
  const { redis, config } = context
  const text = jsonText(result)
  try {
    if (config.resultTtlSeconds > 0) await redis.set(key, text, 'EX', Math.max(1, Math.round(config.resultTtlSeconds)))
    else await redis.set(key, text)
    await redis.publish(key, text)
  } catch (error) {
    context.log.error(`could not write the result of task ${result.task_id} (run ${result.run_id}) to ${key}: ${messageOf(error)}`)
  }
}
