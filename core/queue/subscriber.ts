// The `queue-subscriber` adapter: this process is a worker. One BRPOP loop per
// run it may have at once (the adapter's max_concurrent_count, within the
// controller's when that is set), over the queues of the workflows it serves:
// a loop pops only when it is free, so no task waits here that another worker
// could start. Each task runs through the Runtime (worker-task.ts). A message
// on `{name}:cancel` naming a running task cancels it, as does a cancel
// request through the task store this worker shares with entry points.
// Stopping: no more pops (a task popped meanwhile goes back to the queue);
// running tasks get `shutdown_timeout` to finish, then fail with a result.

import { ulid } from 'ulid'
import type { QueueSubscriberConfig, WorkflowModel } from '../compose/model.ts'
import { messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { Runtime } from '../runtime.ts'
import type { TaskStore } from '../tasks/task-store.ts'
import { Heartbeats } from './heartbeat.ts'
import { cancelChannel, parseObject, queueKey, queueWorkflowId, type TaskMessage } from './protocol.ts'
import { connected, openRedis } from './redis-connections.ts'
import { describeRedisUrl } from './redis-url.ts'
import { Subscriptions } from './subscriptions.ts'
import { runTask, TaskCancelled, type WorkerContext } from './worker-task.ts'

/** After the grace, how long failed runs get to write their results. */
const RESULT_WRITE_MS = 5_000

export class QueueSubscriber {
  readonly workerId: string
  private readonly context: WorkerContext
  private readonly subscriptions: Subscriptions
  private stopListening = () => {}
  private readonly running = new Map<AbortController, string>()
  private readonly loops: Promise<void>[] = []
  /** Runs at once: one BRPOP loop each. */
  private readonly count: number
  private stopping = false

  constructor(
    runtime: Runtime,
    private readonly config: QueueSubscriberConfig,
    /** The controller's max_concurrent_count (0 = none). */
    controllerLimit: number,
    private readonly log: Logger,
    /** The task store entry points share with this worker (Redis): it records the tasks they created there. */
    store?: TaskStore,
  ) {
    this.workerId = config.workerId ?? ulid()
    const redis = openRedis(config.redisUrl)
    const heartbeats = new Heartbeats(redis, this.workerId)
    this.context = { runtime, redis, config, workerId: this.workerId, heartbeats, log, ...(store ? { store } : {}) }
    this.subscriptions = new Subscriptions(config.redisUrl)
    this.count = controllerLimit > 0 ? Math.min(config.maxConcurrentCount, controllerLimit) : config.maxConcurrentCount
  }

  /** Connects, listens for cancels and starts popping; throws when Redis cannot be reached. */
  async start(): Promise<void> {
    const where = describeRedisUrl(this.config.redisUrl)
    await connected(this.context.redis).catch((error) => {
      throw new Error(`the queue's Redis (${where}) is unreachable: ${messageOf(error)}`)
    })
    if (this.stopping) return
    await this.subscriptions.listen(cancelChannel(this.config.name), (text) => this.cancel(parseObject<{ task_id?: unknown }>(text)?.task_id))
    if (this.context.store) this.stopListening = this.context.store.onCancelRequest((id) => this.cancel(id))
    const served = this.servedWorkflows()
    const keys = [...served.keys()]
    for (let i = 0; i < this.count; i++) this.loops.push(this.consume(keys, served))
    this.log.info(`queue worker ${this.workerId} takes tasks from ${keys.join(', ')} on ${where} (${this.count} at once)`)
  }

  /** Stops popping, lets running tasks finish within `graceMs`, then fails the rest. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true
    const loops = Promise.all(this.loops)
    if (this.running.size > 0) this.log.info(`waiting up to ${graceMs / 1000} s for ${this.running.size} queued run(s) to finish`)
    if (!(await settlesWithin(loops, graceMs))) {
      const reason = new Error(`the queue worker ${this.workerId} stopped before the run finished (shutdown_timeout: ${graceMs / 1000} s)`)
      for (const controller of this.running.keys()) controller.abort(reason)
      await settlesWithin(loops, RESULT_WRITE_MS)
    }
    this.context.heartbeats.stop()
    this.stopListening()
    this.subscriptions.close()
    this.context.redis.close()
  }

  /** Queue key → the local workflow it runs (the configured ones, or all). */
  private servedWorkflows(): Map<string, WorkflowModel> {
    const { runtime } = this.context
    const ids = this.config.workflows ?? [...runtime.model.workflows.keys()]
    const served = new Map<string, WorkflowModel>()
    for (const id of ids) served.set(queueKey(this.config.name, queueWorkflowId(id)), runtime.workflow(id))
    return served
  }

  private async consume(keys: string[], served: Map<string, WorkflowModel>): Promise<void> {
    const popper = openRedis(this.config.redisUrl)
    // BRPOP 0 would block for good, and a stopping worker would wait for it.
    const timeout = String(this.config.popTimeoutSeconds > 0 ? this.config.popTimeoutSeconds : 1)
    try {
      while (!this.stopping) {
        let popped: [string, string] | null
        try {
          popped = await connected(popper).then((client) => client.send('BRPOP', [...keys, timeout]))
        } catch (error) {
          if (this.stopping) break
          this.log.warn(`popping from the queue failed (trying again in 1 s): ${messageOf(error)}`)
          await Bun.sleep(1000)
          continue
        }
        if (!popped) continue
        const [key, raw] = popped
        if (this.stopping) {
          // Back where BRPOP takes from: the next worker gets it first.
          await this.context.redis.send('RPUSH', [key, raw]).catch((error) => this.log.error(`a popped task could not go back to ${key}: ${messageOf(error)}`))
          break
        }
        await this.handle(key, raw, served.get(key)!)
      }
    } finally {
      popper.close()
    }
  }

  private async handle(key: string, raw: string, workflow: WorkflowModel): Promise<void> {
    const message = parseObject<TaskMessage>(raw)
    if (!message || typeof message.run_id !== 'string') {
      this.log.warn(`skipped a message on ${key} that is not a task ({"task_id", "run_id", "input"}): ${raw.slice(0, 200)}`)
      return
    }
    const controller = new AbortController()
    this.running.set(controller, String(message.task_id))
    try {
      await runTask(this.context, key.slice(this.config.name.length + 1), workflow, message, controller.signal)
    } catch (error) {
      this.log.error(`task ${message.task_id} (run ${message.run_id}): ${messageOf(error)}`)
    } finally {
      this.running.delete(controller)
    }
  }

  private cancel(taskId: unknown): void {
    for (const [controller, id] of this.running) if (id === taskId) controller.abort(new TaskCancelled())
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}
