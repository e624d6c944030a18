// The `queue-subscriber` adapter: this process is a worker. One pop loop, on
// one connection, over the queues of the workflows it serves, pops as many
// tasks as it has free run slots (the adapter's max_concurrent_count, within
// the controller's when that is set) and only then, so no task waits here that
// another worker could start. It pops with BLMPOP … RIGHT COUNT n (Redis 7;
// BRPOP, one at a time, on an older Redis): model-compose's BRPOP order, in
// one round trip for a whole backlog. (A blocked BRPOP per slot kept a
// connection per slot, each waking every pop_timeout; one BRPOP at a time
// started runs a round trip apart: on test/bench/queue.ts either made the
// first token of 2,000 queued streams come 2–3 s late.) Each task runs through the Runtime (worker-task.ts). A message
// on `{name}:cancel` naming a running task cancels it, as does a cancel
// request through the task store this worker shares with entry points.
// While it runs, the worker announces the workflows it serves, so that entry
// points send runs of them (announcements.ts).
// Stopping: no more pops (a task popped meanwhile goes back to the queue);
// running tasks get `shutdown_timeout` to finish, then fail with a result.

import type { RedisClient } from 'bun'
import { ulid } from 'ulid'
import type { QueueSubscriberConfig, WorkflowModel } from '../../model/compose-model.ts'
import { messageOf } from '../../errors.ts'
import type { Logger } from '../../log.ts'
import { describeUrl } from '../../secrets.ts'
import type { Runtime } from '../../runtime/runtime.ts'
import { taskOutputBytesOf } from '../../tasks/output-bound.ts'
import type { TaskStore } from '../../tasks/store/task-store.ts'
import { Announcer } from '../announcements.ts'
import { Heartbeats } from '../heartbeat.ts'
import { announcementsKey, cancelChannel, parseObject, queueKey, queueWorkflowId, type TaskMessage } from '../protocol.ts'
import { connected, openRedis } from '../redis-connections.ts'
import { Subscriptions } from '../subscriptions.ts'
import { runTask, TaskCancelled, type WorkerContext } from './worker-task.ts'

/** After the grace, how long failed runs get to write their results. */
const RESULT_WRITE_MS = 5_000

export class QueueSubscriber {
  readonly workerId: string
  private readonly context: WorkerContext
  private readonly subscriptions: Subscriptions
  /** Queue key → the local workflow it runs. */
  private readonly served: Map<string, WorkflowModel>
  private readonly announcer: Announcer
  private stopListening = () => {}
  private readonly running = new Map<AbortController, string>()
  /** The runs under way, each holding a slot. */
  private readonly runs = new Set<Promise<void>>()
  private loop: Promise<void> = Promise.resolve()
  /** Runs at once. */
  private readonly count: number
  /** Resolves when a run ends, while every slot is taken. */
  private slotFreed: PromiseWithResolvers<void> | undefined
  /** Redis older than 7 has no BLMPOP. */
  private popOneAtATime = false
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
    this.served = this.servedWorkflows(runtime)
    const ids = [...this.served.keys()].map((key) => key.slice(config.name.length + 1))
    this.announcer = new Announcer(redis, announcementsKey(config.name), ids, log)
    const outputBytes = taskOutputBytesOf(runtime.model.env)
    this.context = { runtime, redis, config, workerId: this.workerId, heartbeats, clock: this.announcer.clock, outputBytes, log, ...(store ? { store } : {}) }
    this.subscriptions = new Subscriptions(config.redisUrl)
    this.count = controllerLimit > 0 ? Math.min(config.maxConcurrentCount, controllerLimit) : config.maxConcurrentCount
  }

  /** Connects, listens for cancels and starts popping; throws when Redis cannot be reached. */
  async start(): Promise<void> {
    const where = describeUrl(this.config.redisUrl)
    await connected(this.context.redis).catch((error) => {
      throw new Error(`the queue's Redis (${where}) is unreachable: ${messageOf(error)}`)
    })
    if (this.stopping) return
    await this.subscriptions.listen(cancelChannel(this.config.name), (text) => this.cancel(parseObject<{ task_id?: unknown }>(text)?.task_id))
    if (this.context.store) this.stopListening = this.context.store.onCancelRequest((id) => this.cancel(id))
    await this.announcer.start()
    const keys = [...this.served.keys()]
    this.loop = this.consume(keys, this.served)
    this.log.info(`queue worker ${this.workerId} takes tasks from ${keys.join(', ')} on ${where} (${this.count} at once)`)
  }

  /** Stops popping, lets running tasks finish within `graceMs`, then fails the rest. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true
    // Once the loop stopped popping, no run starts: those under way then are all there will be.
    const loops = this.loop.then(() => Promise.all([...this.runs]))
    if (this.running.size > 0) this.log.info(`waiting up to ${graceMs / 1000} s for ${this.running.size} queued run(s) to finish`)
    if (!(await settlesWithin(loops, graceMs))) {
      const reason = new Error(`the queue worker ${this.workerId} stopped before the run finished (shutdown_timeout: ${graceMs / 1000} s)`)
      for (const controller of this.running.keys()) controller.abort(reason)
      await settlesWithin(loops, RESULT_WRITE_MS)
    }
    this.context.heartbeats.stop()
    this.announcer.stop()
    this.stopListening()
    this.subscriptions.close()
    this.context.redis.close()
  }

  /** Queue key → the local workflow it runs (the configured ones, or all). */
  private servedWorkflows(runtime: Runtime): Map<string, WorkflowModel> {
    const ids = this.config.workflows ?? [...runtime.model.workflows.keys()]
    const served = new Map<string, WorkflowModel>()
    for (const id of ids) served.set(queueKey(this.config.name, queueWorkflowId(id)), runtime.workflow(id))
    return served
  }

  private async consume(keys: string[], served: Map<string, WorkflowModel>): Promise<void> {
    const popper = openRedis(this.config.redisUrl)
    // A pop that blocked for good would keep a stopping worker waiting.
    const timeout = String(this.config.popTimeoutSeconds > 0 ? this.config.popTimeoutSeconds : 1)
    try {
      while (!this.stopping) {
        while (this.runs.size >= this.count) await (this.slotFreed ??= Promise.withResolvers()).promise
        let popped: { key: string; messages: string[] } | undefined
        try {
          popped = await this.pop(await connected(popper), keys, timeout, this.count - this.runs.size)
        } catch (error) {
          if (this.stopping) break
          this.log.warn(`popping from the queue failed (trying again in 1 s): ${messageOf(error)}`)
          await Bun.sleep(1000)
          continue
        }
        if (!popped) continue
        const { key, messages } = popped
        if (this.stopping) {
          // Back where the pop takes from, oldest last: the next worker gets them first, in order.
          await this.context.redis.send('RPUSH', [key, ...messages.reverse()]).catch((error) => this.log.error(`popped tasks could not go back to ${key}: ${messageOf(error)}`))
          break
        }
        for (const raw of messages) {
          const run = this.handle(key, raw, served.get(key)!).finally(() => {
            this.runs.delete(run)
            const freed = this.slotFreed
            this.slotFreed = undefined
            freed?.resolve()
          })
          this.runs.add(run)
        }
      }
    } finally {
      popper.close()
    }
  }

  /** Up to `count` task messages of one queue, oldest first; undefined when none came within the timeout. */
  private async pop(client: RedisClient, keys: string[], timeout: string, count: number): Promise<{ key: string; messages: string[] } | undefined> {
    if (!this.popOneAtATime) {
      try {
        const reply = (await client.send('BLMPOP', [timeout, String(keys.length), ...keys, 'RIGHT', 'COUNT', String(count)])) as [string, string[]] | null
        return reply ? { key: reply[0], messages: reply[1] } : undefined
      } catch (error) {
        if (!/unknown command/i.test(messageOf(error))) throw error
        this.popOneAtATime = true
      }
    }
    const reply = (await client.send('BRPOP', [...keys, timeout])) as [string, string] | null
    return reply ? { key: reply[0], messages: [reply[1]] } : undefined
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
