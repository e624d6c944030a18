// `controller.queue`: an entry point hands runs of workflows it does not have
// to queue workers (model-compose's RedisControllerQueueService). Only
// workflows some live worker announced, or the file declares, go there
// (served-workflows.ts). A dispatch pushes the task message and waits for the
// result (result-wait.ts): the output, an error, or `streaming` — then the
// output is the worker's Redis Stream, read chunk by chunk (stream-reader.ts).
// Cancelling the run (its signal), or the queue's timeout passing, publishes
// model-compose's cancel message, which stops the worker's run. An mc worker
// that shares the task store and claimed the task records its stream there
// instead: the dispatch then answers RecordedElsewhere. What one entry point
// puts on the queue is bounded (queue-settings.ts): one message's size, the
// tasks waiting in a queue, and the bytes of all dispatches waiting at once.

import { ulid } from 'ulid'
import { ByteBudget } from '../../byte-budget.ts'
import type { QueueDispatchConfig } from '../../model/compose-model.ts'
import { busy, HttpError, upstreamFailed } from '../../errors.ts'
import type { Logger } from '../../log.ts'
import { describeUrl } from '../../secrets.ts'
import { describeBytes } from '../../settings.ts'
import { RecordedElsewhere } from '../../tasks/recorded-elsewhere.ts'
import { blobBytes, storeBlobs } from '../blobs.ts'
import { WorkerWatch } from '../heartbeat.ts'
import { announcementsKey, blobPrefix, cancelChannel, heartbeatKey, queueKey, resultKey, type ResultMessage, type TaskMessage } from '../protocol.ts'
import { dispatchLimitsOf, type DispatchLimits } from './queue-settings.ts'
import { RedisClock } from '../redis-clock.ts'
import { BlockingConnections, connected, openRedis } from '../redis-connections.ts'
import { pushAndWait } from './result-wait.ts'
import { ServedWorkflows } from './served-workflows.ts'
import { readStream } from './stream-reader.ts'
import { Subscriptions } from '../subscriptions.ts'

export class QueueDispatcher {
  private readonly redis
  private readonly subscriptions
  private readonly readers
  private readonly clock = new RedisClock()
  private readonly served: ServedWorkflows
  private readonly limits: DispatchLimits
  /** Task messages and binary inputs this entry point pushed and still waits on. */
  private readonly inFlight: ByteBudget
  /** The workflows this entry point dispatched to: their queues' depths are its metrics (depths()). */
  private readonly dispatchedTo = new Set<string>()

  constructor(
    private readonly config: QueueDispatchConfig,
    env: Readonly<Record<string, string | undefined>>,
    private readonly log: Logger,
  ) {
    this.redis = openRedis(config.redisUrl)
    this.subscriptions = new Subscriptions(config.redisUrl)
    this.readers = new BlockingConnections(config.redisUrl)
    this.limits = dispatchLimitsOf(env)
    this.inFlight = new ByteBudget(this.limits.inFlightBytes, queueFull)
    const where = this.describe()
    this.served = new ServedWorkflows({ redis: this.redis, key: announcementsKey(config.name), declared: config.workflows, clock: this.clock, log, where })
  }

  /** Where runs go, for logs. */
  describe(): string {
    return `queue "${this.config.name}" on ${describeUrl(this.config.redisUrl)}`
  }

  /** Reads which workflows the queue's workers serve (waiting a little for Redis), then keeps reading it. */
  start(): Promise<void> {
    return this.served.start()
  }

  /** Whether runs of a workflow this file lacks go to the queue: declared, or served by a live worker (502 when that cannot be known). */
  serves(workflowId: string): boolean {
    return this.served.has(workflowId)
  }

  /** Runs the workflow on a worker: its output (a stream when the worker streams), or its error. */
  async dispatch(workflowId: string, input: unknown, signal: AbortSignal, taskId: string = ulid()): Promise<unknown> {
    const runId = ulid()
    this.dispatchedTo.add(workflowId)
    const key = resultKey(this.config.name, workflowId, runId)
    const onAbort = () => void this.cancel(taskId)
    signal.addEventListener('abort', onAbort, { once: true })
    let streaming = false
    try {
      const redis = await connected(this.redis).catch((error) => {
        throw upstreamFailed(`the queue's Redis (${describeUrl(this.config.redisUrl)}) is unreachable: ${(error as Error).message}`)
      })
      const watch = new WorkerWatch(redis, heartbeatKey(key))
      const hold = this.inFlight.hold()
      let blobKeys: string[] = []
      let result: ResultMessage
      try {
        hold.take(blobBytes(input))
        const blobs = await storeBlobs(redis, input ?? {}, blobPrefix(key), this.config.blobTtlSeconds, this.config.maxBlobBytes)
        blobKeys = blobs.keys
        const message = this.messageOf(taskId, runId, blobs.input)
        hold.take(Buffer.byteLength(message))
        const { timeoutMs } = this.config
        const { maxQueueLength: maxLength } = this.limits
        result = await pushAndWait({ redis, subscriptions: this.subscriptions, queueKey: queueKey(this.config.name, workflowId), resultKey: key, message, watch, timeoutMs, ttlMs: timeoutMs, maxLength, signal })
      } catch (error) {
        // Nobody takes the blobs of a task withdrawn or never pushed (a worker that took it is being cancelled).
        if (blobKeys.length > 0) await redis.del(...blobKeys).catch(() => {})
        if (error instanceof HttpError && error.status === 504) void this.cancel(taskId)
        throw error
      } finally {
        hold.release()
      }
      // An mc worker sharing the task store records the stream there: the caller follows it from the store.
      if (result.status === 'streaming' && result.recorded === true) return new RecordedElsewhere(taskId)
      if (result.status === 'streaming' && typeof result.stream_key === 'string') {
        streaming = true
        // A reading that ends before the worker's end (the queue's timeout, a reader gone) stops the worker's run.
        const onEnd = (finished: boolean) => {
          signal.removeEventListener('abort', onAbort)
          if (!finished && !signal.aborted) onAbort()
        }
        return readStream({ connections: this.readers, key: result.stream_key, watch, timeoutMs: this.config.timeoutMs, signal, onEnd })
      }
      return this.outputOf(result)
    } catch (error) {
      // Bun's client errors (a connection lost or refused) name no place: say it was the queue's Redis.
      if (String((error as { code?: unknown }).code).startsWith('ERR_REDIS')) {
        throw upstreamFailed(`the queue's Redis (${describeUrl(this.config.redisUrl)}) failed: ${(error as Error).message}`)
      }
      throw error
    } finally {
      if (!streaming) signal.removeEventListener('abort', onAbort)
    }
  }

  /** Tasks waiting for a worker on each queue this entry point dispatched to (LLEN); an unreachable Redis gives none. */
  async depths(): Promise<Map<string, number>> {
    const depths = new Map<string, number>()
    for (const id of this.dispatchedTo) {
      const length = await this.redis.send('LLEN', [queueKey(this.config.name, id)]).catch(() => undefined)
      if (typeof length === 'number') depths.set(id, length)
    }
    return depths
  }

  /** model-compose's cancel: the worker running that task (if any) cancels it. */
  async cancel(taskId: string): Promise<void> {
    await this.redis.publish(cancelChannel(this.config.name), JSON.stringify({ task_id: taskId })).catch((error) => {
      this.log.warn(`could not publish the cancel of task ${taskId}: ${(error as Error).message}`)
    })
  }

  close(): void {
    this.served.close()
    this.readers.close()
    this.subscriptions.close()
    this.redis.close()
  }

  /** model-compose's task message, with mc's `expires_at` when the queue has a timeout: 413 past MC_QUEUE_MAX_MESSAGE_BYTES. */
  private messageOf(taskId: string, runId: string, input: unknown): string {
    const { timeoutMs } = this.config
    const task: TaskMessage = { task_id: taskId, run_id: runId, input, ...(timeoutMs > 0 ? { expires_at: this.clock.now() + timeoutMs } : {}) }
    const message = JSON.stringify(task)
    const bytes = Buffer.byteLength(message)
    if (bytes > this.limits.maxMessageBytes) {
      throw new HttpError(413, `the task message for the queue (${describeBytes(bytes)}) is larger than its limit (MC_QUEUE_MAX_MESSAGE_BYTES: ${describeBytes(this.limits.maxMessageBytes)}); send large values as files`)
    }
    return message
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

/** Past MC_QUEUE_IN_FLIGHT_BYTES: refused at once, instead of growing Redis while workers are slow or gone. */
function queueFull(used: number, asked: number, max: number): Error {
  return busy(`mc is busy: ${describeBytes(used)} of tasks are on the queue waiting for workers, and ${describeBytes(asked)} more would pass its limit (MC_QUEUE_IN_FLIGHT_BYTES: ${describeBytes(max)}); try again later`)
}
