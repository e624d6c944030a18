// The task store on Redis, shared by many mc processes (entry points and
// workers, on any hosts). Writes are Lua scripts (redis-scripts.ts), changes
// reach other processes by pub/sub (redis-change-feed.ts). Each store keeps a
// heartbeat key P:owner:<owner> (a TTL); the unfinished tasks of an owner that
// is gone (owner-liveness.ts) fail as abandoned — at recover() and by a
// periodic sweep, so a SIGKILLed worker's runs fail within 13 s without anyone
// restarting anything.

import { ChangeWaiters } from '../change-waiters.ts'
import { bytesHex, decodeEvents, encodeEvents, notRecorded } from '../event-batch.ts'
import { instanceId, pidNamespace } from '../instance-id.ts'
import { HEARTBEAT_EVERY_MS, HEARTBEAT_TTL_MS, holdHeartbeat, ABANDONED, OWNER_SWEEP_MS, ownerGone } from '../owner-liveness.ts'
import { RedisChangeFeed } from './redis-change-feed.ts'
import { RedisConnection } from './redis-connection.ts'
import { entryBytes, redisEventBytes } from './stored-bytes.ts'
import { RedisUpkeep } from './upkeep.ts'
import { droppedMessage, storedOutput, SWEEP_INTERVAL_MS } from '../retention.ts'
import type { EventWindow, InterruptPoint, NewTask, Retention, StoredTask, TaskEvent, TaskOutcome, TaskStatus, TaskStore } from '../task-store.ts'

export interface RedisStoreOptions {
  url: string
  /** Key and channel prefix (default "mc"). */
  prefix?: string
  retention: Retention
  /**
   * The owner this store keeps a heartbeat for (default: this process's instanceId()). The tasks this
   * process runs carry it as NewTask.owner: an owner nobody keeps alive counts as gone.
   */
  owner?: string
}

export async function openRedisStore(options: RedisStoreOptions): Promise<TaskStore> {
  const prefix = options.prefix ?? 'mc'
  const owner = options.owner ?? instanceId()
  const commands = await RedisConnection.open(options.url)
  const waiters = new ChangeWaiters()
  const cancelListeners = new Set<(id: string) => void>()
  let feed: RedisChangeFeed
  try {
    feed = await RedisChangeFeed.open(options.url, prefix, waiters, (id) => {
      for (const listener of cancelListeners) listener(id)
    })
  } catch (error) {
    commands.close()
    throw error
  }
  const store = new RedisTaskStore(commands, feed, waiters, cancelListeners, prefix, owner, options.retention)
  try {
    await store.beat()
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

class RedisTaskStore implements TaskStore {
  readonly kind = 'redis'
  private readonly timers: Timer[]
  private readonly releaseHeartbeat: () => boolean
  private readonly upkeep: RedisUpkeep

  constructor(
    private readonly redis: RedisConnection,
    private readonly feed: RedisChangeFeed,
    private readonly waiters: ChangeWaiters,
    private readonly cancelListeners: Set<(id: string) => void>,
    private readonly prefix: string,
    private readonly owner: string,
    private readonly retention: Retention,
  ) {
    this.upkeep = new RedisUpkeep(redis, prefix, retention)
    // Timers never throw: a Redis away now is tried again next time.
    const quietly = (work: () => Promise<unknown>) => () => void work().catch(() => {})
    this.timers = [
      setInterval(quietly(() => this.beat()), HEARTBEAT_EVERY_MS),
      setInterval(quietly(() => this.failGoneOwners()), OWNER_SWEEP_MS),
      setInterval(quietly(() => this.upkeep.sweepAll()), SWEEP_INTERVAL_MS),
    ]
    for (const timer of this.timers) timer.unref()
    this.releaseHeartbeat = holdHeartbeat(this.heartbeat)
  }

  private get heartbeat(): string {
    return `${this.prefix}:owner:${this.owner}`
  }

  private key(id: string): string {
    return `${this.prefix}:task:${id}`
  }

  async beat(): Promise<void> {
    await this.redis.call('SET', [this.heartbeat, pidNamespace(), 'PX', HEARTBEAT_TTL_MS])
  }

  async create(task: NewTask): Promise<void> {
    const total = await this.redis.script('create', [this.prefix, task.task_id, task.workflow_id, task.owner, Date.now()])
    if (total === 0) throw new Error(`task store: a task "${task.task_id}" exists already`)
    this.waiters.wake(task.task_id)
    this.upkeep.storedBytes(total)
  }

  async start(id: string): Promise<void> {
    await this.redis.script('update', [this.prefix, id, 'pending', 'status', 'processing'])
    this.waiters.wake(id)
  }

  async markStreamed(id: string): Promise<void> {
    // first_seq 0: a stream this process does not record (MC_TASK_STREAM_BYTES=0).
    const unrecorded = this.retention.maxStreamBytes === 0 ? ['first_seq', 0] : []
    await this.redis.script('update', [this.prefix, id, '', 'streamed', 1, ...unrecorded])
    this.waiters.wake(id)
  }

  async claim(id: string, owner: string): Promise<boolean> {
    const claimed = (await this.redis.script('claim', [this.prefix, id, owner])) === 1
    if (claimed) this.waiters.wake(id)
    return claimed
  }

  async finish(id: string, outcome: TaskOutcome): Promise<boolean> {
    const completed = outcome.status === 'completed'
    const kept = storedOutput(completed ? outcome.output : outcome.error)
    const output = completed && kept.json !== undefined ? kept.json : undefined
    const truncated = completed && outcome.output_truncated ? 1 : 0
    const args = [this.prefix, id, outcome.status, output === undefined ? 0 : 1, output ?? '', truncated, completed ? '' : outcome.error]
    const finished = await this.redis.script('finish', [...args, Date.now(), this.retention.maxAgeMs])
    if (finished !== 1) return false
    this.waiters.wake(id)
    // The task is finished whatever happens to the sweep (the timer sweeps again).
    await this.upkeep.sweepAll().catch(() => {})
    return true
  }

  async interrupt(id: string, point: InterruptPoint, state: string): Promise<boolean> {
    const done = (await this.redis.script('interrupt', [this.prefix, id, JSON.stringify(point), state])) === 1
    if (done) this.waiters.wake(id)
    return done
  }

  async resume(id: string, owner: string): Promise<string | undefined> {
    const state: string | null = await this.redis.script('resume', [this.prefix, id, owner])
    if (typeof state !== 'string') return undefined
    this.waiters.wake(id)
    return state
  }

  async get(id: string): Promise<StoredTask | undefined> {
    const hash: Record<string, string> = await this.redis.call('HGETALL', [this.key(id)])
    return hash.task_id === undefined ? undefined : storedTask(hash)
  }

  async appendEvents(id: string, events: TaskEvent[]): Promise<void> {
    const max = this.retention.maxStreamBytes
    if (events.length === 0 || max === 0) return
    const first = events[0]!.seq
    // Seqs go on one by one within a batch (the script checks that the first continues the task's last).
    const gap = events.findIndex((event, i) => event.seq !== first + i)
    if (gap !== -1) throw new Error(`task store: task "${id}" records event ${first + gap} next, not ${events[gap]!.seq}`)
    const sizes = events.map(redisEventBytes)
    let eventBytes = sizes.reduce((a, b) => a + b, 0)
    const bytes = entryBytes(eventBytes)
    // A batch larger than the bound keeps only its newest events (the script drops every recorded one).
    let start = 0
    let keptBytes = bytes
    for (; keptBytes > max && start < events.length; start++) keptBytes = entryBytes((eventBytes -= sizes[start]!))
    const last = events.at(-1)!.seq
    const args = [this.prefix, id, max, first, last, bytes, first + start, keptBytes, bytesHex(sizes, start), encodeEvents(events, start)]
    const total = await this.redis.script('append', args)
    this.waiters.wake(id)
    this.upkeep.storedBytes(total)
  }

  async readEvents(id: string, afterSeq: number, limit: number): Promise<EventWindow> {
    const [firstSeq, lastSeq, ...entries]: [number, number, ...string[]] = await this.redis.script('read', [this.prefix, id, afterSeq, limit])
    if (firstSeq === 0) throw notRecorded(id)
    const events: TaskEvent[] = []
    const from = Math.max(afterSeq + 1, firstSeq)
    for (let i = 0; i < entries.length; i += 2) decodeEvents(entries[i + 1]!, Number(entries[i]), from, from + limit - 1, events)
    return { events, firstSeq, lastSeq }
  }

  async waitForChange(id: string, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    // Waiting and subscribed before looking: a change after the look is published to us.
    const changed = this.waiters.wait(id, timeoutMs, signal)
    await this.feed.follow(id)
    const [lastSeq, finishedAt]: (string | null)[] = await this.redis.call('HMGET', [this.key(id), 'last_seq', 'finished_at'])
    if (Number(lastSeq ?? 0) > afterSeq || finishedAt !== null) this.waiters.wake(id)
    return changed
  }

  async requestCancel(id: string): Promise<void> {
    await this.redis.call('PUBLISH', [`${this.prefix}:cancel`, id])
  }

  onCancelRequest(listener: (id: string) => void): () => void {
    this.cancelListeners.add(listener)
    return () => this.cancelListeners.delete(listener)
  }

  async recover(): Promise<number> {
    const failed = await this.failGoneOwners()
    await this.upkeep.sweepAll()
    return failed
  }

  /** Fails the unfinished tasks of every owner that is gone; returns how many. */
  private async failGoneOwners(): Promise<number> {
    const owners: string[] = await this.redis.call('SMEMBERS', [`${this.prefix}:owners`])
    const others = owners.filter((owner) => owner !== this.owner)
    const beats: (string | null)[] = await Promise.all(others.map((owner) => this.redis.call('GET', [`${this.prefix}:owner:${owner}`])))
    let failed = 0
    for (const [i, owner] of others.entries()) {
      const beat = beats[i] ?? null
      if (!ownerGone(owner, beat)) continue
      // Without a heartbeat, the script looks again: the owner may have come back meanwhile.
      const args = [this.prefix, owner, ABANDONED, Date.now(), this.retention.maxAgeMs, beat === null ? 0 : 1]
      failed += await this.redis.script('failOwner', args)
    }
    return failed
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer)
    this.waiters.wakeAll()
    this.cancelListeners.clear()
    this.feed.close()
    // Others see this owner gone at once (what it still runs fails at their next sweep),
    // unless another store of this process beats for the same owner.
    if (this.releaseHeartbeat()) await this.redis.call('DEL', [this.heartbeat]).catch(() => {})
    this.redis.close()
  }
}

function storedTask(hash: Record<string, string>): StoredTask {
  return {
    task_id: hash.task_id!,
    workflow_id: hash.workflow_id!,
    status: hash.status as TaskStatus,
    ...(hash.output !== undefined ? { output: JSON.parse(hash.output) } : {}),
    ...(hash.output_truncated === '1' ? { output_truncated: true as const } : {}),
    ...(hash.error !== undefined ? { error: hash.error } : {}),
    ...(hash.interrupt !== undefined ? { interrupt: JSON.parse(hash.interrupt) } : {}),
    streamed: hash.streamed === '1',
    owner: hash.owner!,
    created_at: Number(hash.created_at),
    ...(hash.finished_at !== undefined ? { finished_at: Number(hash.finished_at) } : {}),
    ...(hash.dropped !== undefined ? { dropped: droppedMessage(hash.task_id!, hash.status as TaskStatus, hash.dropped) } : {}),
  }
}
