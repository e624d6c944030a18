// `controller.queue`: an entry point hands runs of workflows it does not have
// to queue workers (model-compose's RedisControllerQueueService). A dispatch
// pushes the task message and waits for the result (result-wait.ts): the
// output, an error, or `streaming` — then the output is the worker's Redis
// Stream, read chunk by chunk (stream-reader.ts). Cancelling the run (its
// signal) publishes model-compose's cancel message, which stops the worker's run.
// An mc worker that shares the task store and claimed the task records its
// stream there instead: the dispatch then answers RecordedElsewhere.

import { ulid } from 'ulid'
import type { QueueDispatchConfig } from '../compose/model.ts'
import { HttpError, upstreamFailed } from '../errors.ts'
import type { Logger } from '../log.ts'
import { RecordedElsewhere } from '../tasks/recorded-elsewhere.ts'
import { storeBlobs } from './blobs.ts'
import { WorkerWatch } from './heartbeat.ts'
import { blobPrefix, cancelChannel, heartbeatKey, queueKey, resultKey, type ResultMessage } from './protocol.ts'
import { BlockingConnections, connected, openRedis } from './redis-connections.ts'
import { describeRedisUrl } from './redis-url.ts'
import { pushAndWait } from './result-wait.ts'
import { readStream } from './stream-reader.ts'
import { Subscriptions } from './subscriptions.ts'

export class QueueDispatcher {
  private readonly redis
  private readonly subscriptions
  private readonly readers

  constructor(
    private readonly config: QueueDispatchConfig,
    private readonly log: Logger,
  ) {
    this.redis = openRedis(config.redisUrl)
    this.subscriptions = new Subscriptions(config.redisUrl)
    this.readers = new BlockingConnections(config.redisUrl)
  }

  /** Where runs go, for logs. */
  describe(): string {
    return `queue "${this.config.name}" on ${describeRedisUrl(this.config.redisUrl)}`
  }

  /** Runs the workflow on a worker: its output (a stream when the worker streams), or its error. */
  async dispatch(workflowId: string, input: unknown, signal: AbortSignal, taskId: string = ulid()): Promise<unknown> {
    const runId = ulid()
    const key = resultKey(this.config.name, workflowId, runId)
    const onAbort = () => void this.cancel(taskId)
    signal.addEventListener('abort', onAbort, { once: true })
    let streaming = false
    try {
      const redis = await connected(this.redis).catch((error) => {
        throw upstreamFailed(`the queue's Redis (${describeRedisUrl(this.config.redisUrl)}) is unreachable: ${(error as Error).message}`)
      })
      const blobs = await storeBlobs(redis, input ?? {}, blobPrefix(key), this.config.blobTtlSeconds, this.config.maxBlobBytes)
      const watch = new WorkerWatch(redis, heartbeatKey(key))
      const result = await pushAndWait({
        redis,
        subscriptions: this.subscriptions,
        queueKey: queueKey(this.config.name, workflowId),
        resultKey: key,
        message: JSON.stringify({ task_id: taskId, run_id: runId, input: blobs.input }),
        watch,
        timeoutMs: this.config.timeoutMs,
        signal,
      })
      // An mc worker sharing the task store records the stream there: the caller follows it from the store.
      if (result.status === 'streaming' && result.recorded === true) return new RecordedElsewhere(taskId)
      if (result.status === 'streaming' && typeof result.stream_key === 'string') {
        streaming = true
        const onEnd = () => signal.removeEventListener('abort', onAbort)
        return readStream({ connections: this.readers, key: result.stream_key, watch, timeoutMs: this.config.timeoutMs, signal, onEnd })
      }
      return this.outputOf(result)
    } catch (error) {
      // Bun's client errors (a connection lost or refused) name no place: say it was the queue's Redis.
      if (String((error as { code?: unknown }).code).startsWith('ERR_REDIS')) {
        throw upstreamFailed(`the queue's Redis (${describeRedisUrl(this.config.redisUrl)}) failed: ${(error as Error).message}`)
      }
      throw error
    } finally {
      if (!streaming) signal.removeEventListener('abort', onAbort)
    }
  }

  /** model-compose's cancel: the worker running that task (if any) cancels it. */
  async cancel(taskId: string): Promise<void> {
    await this.redis.publish(cancelChannel(this.config.name), JSON.stringify({ task_id: taskId })).catch((error) => {
      this.log.warn(`could not publish the cancel of task ${taskId}: ${(error as Error).message}`)
    })
  }

  close(): void {
    this.readers.close()
    this.subscriptions.close()
    this.redis.close()
  }

  private outputOf(result: ResultMessage): unknown {
    switch (result.status) {
      case 'completed':
        return result.output ?? null
      case 'failed':
        throw new HttpError(typeof result.http_status === 'number' ? result.http_status : 500, result.error ?? 'Unknown error from queue worker')
      case 'cancelled':
        throw new Error(`the queue worker${result.worker_id ? ` ${result.worker_id}` : ''} cancelled the run`)
      case 'interrupted':
        // A model-compose worker's job waits for an answer; mc has no interrupts to ask a client with.
        void this.cancel(result.task_id)
        throw new HttpError(501, 'the queue worker paused the run for an answer (an interrupt), which mc cannot ask for: the run is cancelled')
      default:
        // model-compose takes any other status for a completed run.
        return result.output ?? null
    }
  }
}
