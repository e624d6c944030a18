// The embedded task store on bun:sqlite: one file (several mc processes of one
// host may share it). The task writes of one turn of the event loop share one
// transaction (sqlite-turn-writes.ts), and so do its appends (sqlite-recording.ts).
// This store's own writes wake its waiters at once; other connections' commits
// are noticed by polling PRAGMA data_version (POLL_MS), which costs the writers nothing.

import type { Database } from 'bun:sqlite'
import { ChangeWaiters } from '../change-waiters.ts'
import { notRecorded } from '../event-batch.ts'
import { instanceId, pidNamespace } from '../instance-id.ts'
import { HEARTBEAT_EVERY_MS, HEARTBEAT_TTL_MS, holdHeartbeat, ABANDONED, OWNER_SWEEP_MS, ownerGone } from '../owner-liveness.ts'
import { storedOutput, SWEEP_INTERVAL_MS } from '../retention.ts'
import { commitOpenTurns, readBatches, TurnAppends } from './sqlite-recording.ts'
import { TurnWrites } from './sqlite-turn-writes.ts'
import { openTaskDatabase } from './sqlite-schema.ts'
import { outputBytes } from './stored-bytes.ts'
import { SqliteUpkeep } from './upkeep.ts'
import { prepareStatements, type StateRow, type Statements, storedTask } from './sqlite-statements.ts'
import type { EventWindow, InterruptPoint, NewTask, Retention, StoredTask, TaskEvent, TaskOutcome, TaskStore } from '../task-store.ts'

/** How often other connections' writes (events, finishes, cancel requests) are looked for. */
const POLL_MS = 50

export interface SqliteStoreOptions {
  /** The owner this store keeps a heartbeat for, and whose tasks' cancel requests it hears (default: this process's instanceId()). */
  owner?: string
  sweepIntervalMs?: number
}

export async function openSqliteStore(path: string, retention: Retention, options: SqliteStoreOptions = {}): Promise<TaskStore> {
  return new SqliteTaskStore(openTaskDatabase(path), retention, options)
}

class SqliteTaskStore implements TaskStore {
  readonly kind = 'sqlite'
  private readonly owner: string
  private readonly sql: Statements
  private readonly waiters = new ChangeWaiters()
  private readonly cancelListeners = new Set<(id: string) => void>()
  private readonly timers: Timer[]
  private readonly releaseHeartbeat: () => boolean
  /** Runs a function in one transaction: deferred to read, immediate to write (no read-then-write upgrade to fail on). */
  private readonly inTransaction: { (work: () => unknown): unknown; immediate: (work: () => unknown) => unknown }
  private seenVersion: number
  /** Per waited task, what its waiters saw when they began to wait: a poll wakes them when it differs. */
  private readonly seen = new Map<string, string>()
  private readonly appends: TurnAppends
  private readonly writes: TurnWrites
  private readonly upkeep: SqliteUpkeep

  constructor(
    private readonly db: Database,
    private readonly retention: Retention,
    options: SqliteStoreOptions,
  ) {
    this.owner = options.owner ?? instanceId()
    this.sql = prepareStatements(db)
    this.inTransaction = db.transaction((work: () => unknown) => work())
    this.upkeep = new SqliteUpkeep(db, this.sql, retention, (work) => this.write(work))
    this.writes = new TurnWrites(
      (work) => this.inTransaction.immediate(work),
      () => this.upkeep.afterCommit(),
    )
    this.appends = new TurnAppends(this.sql, retention.maxStreamBytes, (total) => this.upkeep.storedBytes(total))
    this.seenVersion = this.sql.dataVersion.get()!.data_version
    this.releaseHeartbeat = holdHeartbeat(`sqlite ${db.filename} ${this.owner}`)
    this.beat()
    // Timers never throw: a file busy now is tried again next time.
    const quietly = (work: () => unknown) => () => {
      try {
        work()
      } catch {}
    }
    this.timers = [
      setInterval(quietly(() => this.pollChanges()), POLL_MS),
      setInterval(quietly(() => this.beat()), HEARTBEAT_EVERY_MS),
      setInterval(quietly(() => this.failGoneOwners()), OWNER_SWEEP_MS),
      setInterval(() => this.upkeep.periodic(), options.sweepIntervalMs ?? SWEEP_INTERVAL_MS),
    ]
    for (const timer of this.timers) timer.unref()
  }

  private write<T>(work: () => T): T {
    commitOpenTurns()
    return this.inTransaction.immediate(work) as T
  }

  async create(task: NewTask): Promise<void> {
    try {
      await this.writes.write(() => {
        const { row_bytes } = this.sql.insertTask.get(task.task_id, task.workflow_id, task.owner, Date.now())!
        this.upkeep.storedBytes(this.sql.addStoredBytes.get(row_bytes)!.value)
      })
    } catch (error) {
      if (String(error).includes('UNIQUE')) throw new Error(`task store: a task "${task.task_id}" exists already`)
      throw error
    }
    this.wake(task.task_id)
  }

  async start(id: string): Promise<void> {
    await this.writes.write(() => this.sql.start.run(id))
    this.wake(id)
  }

  async markStreamed(id: string): Promise<void> {
    const mark = this.retention.maxStreamBytes === 0 ? this.sql.markUnrecorded : this.sql.markStreamed
    await this.writes.write(() => mark.run(id))
    this.wake(id)
  }

  async claim(id: string, owner: string): Promise<boolean> {
    const claimed = (await this.writes.write(() => this.sql.claim.run(owner, id))).changes > 0
    if (claimed) this.wake(id)
    return claimed
  }

  async finish(id: string, outcome: TaskOutcome): Promise<boolean> {
    const completed = outcome.status === 'completed'
    const kept = storedOutput(completed ? outcome.output : outcome.error)
    const bytes = outputBytes(kept.bytes)
    const finished = await this.writes.write(() => {
      const output = completed ? (kept.json ?? null) : null
      const truncated = completed && outcome.output_truncated ? 1 : 0
      // A task cancelled while interrupted lets go of its kept state.
      const held = this.sql.interrupted.get(id)?.output_bytes ?? 0
      const row = this.sql.finish.get(outcome.status, output, truncated, completed ? null : outcome.error, Date.now(), bytes, id)
      if (row) {
        this.sql.addStoredBytes.get(bytes - held)
        this.upkeep.markDue()
      }
      return row !== null
    })
    if (!finished) return false
    this.wake(id)
    return true
  }

  async interrupt(id: string, point: InterruptPoint, state: string): Promise<boolean> {
    const pointJson = JSON.stringify(point)
    const bytes = outputBytes(Buffer.byteLength(pointJson) + Buffer.byteLength(state))
    const done = await this.writes.write(() => {
      if (this.sql.interrupt.run(pointJson, state, bytes, id).changes === 0) return false
      this.upkeep.storedBytes(this.sql.addStoredBytes.get(bytes)!.value)
      return true
    })
    if (done) this.wake(id)
    return done
  }

  async resume(id: string, owner: string): Promise<string | undefined> {
    const state = this.write(() => {
      const row = this.sql.interrupted.get(id)
      if (!row || this.sql.resume.run(owner, id).changes === 0) return undefined
      this.sql.addStoredBytes.get(-row.output_bytes)
      return row.suspended
    })
    if (state !== undefined) this.wake(id)
    return state
  }

  async get(id: string): Promise<StoredTask | undefined> {
    const row = this.sql.task.get(id)
    return row ? storedTask(row) : undefined
  }

  async appendEvents(id: string, events: TaskEvent[]): Promise<void> {
    if (events.length === 0 || this.retention.maxStreamBytes === 0) return
    const committed = this.appends.append(id, events)
    this.wake(id)
    return committed
  }

  async readEvents(id: string, afterSeq: number, limit: number): Promise<EventWindow> {
    // One transaction: the window and the events come from the same snapshot.
    return this.inTransaction(() => {
      const state = this.sql.state.get(id)
      if (!state) return { events: [], firstSeq: 1, lastSeq: 0 }
      if (state.first_seq === 0) throw notRecorded(id)
      const from = Math.max(afterSeq + 1, state.first_seq)
      const events = readBatches(this.sql, id, from, Math.min(limit, state.last_seq - from + 1))
      return { events, firstSeq: state.first_seq, lastSeq: state.last_seq }
    }) as EventWindow
  }

  async waitForChange(id: string, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const state = this.sql.state.get(id)
    if (state && (state.last_seq > afterSeq || state.finished_at !== null)) return
    // The oldest view stays: a poll may wake a later waiter needlessly, never miss an earlier one's change.
    if (!this.seen.has(id)) this.seen.set(id, signature(state))
    return this.waiters.wait(id, timeoutMs, signal)
  }

  async requestCancel(id: string): Promise<void> {
    const state = this.sql.state.get(id)
    if (!state || state.finished_at !== null) return
    // 2 when this store's owner runs it (told below); 1 for its owner's poller to find.
    await this.writes.write(() => this.sql.setCancel.run(state.owner === this.owner ? 2 : 1, id))
    for (const listener of this.cancelListeners) listener(id)
  }

  onCancelRequest(listener: (id: string) => void): () => void {
    this.cancelListeners.add(listener)
    return () => this.cancelListeners.delete(listener)
  }

  async recover(): Promise<number> {
    return this.failGoneOwners()
  }

  private beat(): void {
    this.sql.beat.run(this.owner, pidNamespace(), Date.now())
  }

  /** Fails the unfinished tasks of every owner that is gone (owner-liveness.ts); returns how many. */
  private failGoneOwners(): number {
    let failed = 0
    for (const { owner, heartbeat } of this.sql.unfinishedOwners.all(Date.now() - HEARTBEAT_TTL_MS)) {
      if (owner !== this.owner && ownerGone(owner, heartbeat)) failed += this.failOwner(owner)
    }
    if (failed > 0) this.upkeep.sweepAll()
    return failed
  }

  private failOwner(owner: string): number {
    const error = ABANDONED
    const errorBytes = outputBytes(Buffer.byteLength(error))
    const rows = this.write(() => {
      const failed = this.sql.failOwner.all(error, errorBytes, Date.now(), owner)
      this.sql.addStoredBytes.get(errorBytes * failed.length)
      this.sql.forgetOwner.run(owner)
      return failed
    })
    for (const row of rows) this.wake(row.task_id)
    return rows.length
  }

  async close(): Promise<void> {
    this.writes.flush()
    this.appends.commit()
    for (const timer of this.timers) clearInterval(timer)
    this.waiters.wakeAll()
    this.cancelListeners.clear()
    // Others see this owner gone at once, unless another store of this process beats for it.
    if (this.releaseHeartbeat()) {
      try {
        this.sql.forgetOwner.run(this.owner)
      } catch {}
    }
    this.db.close()
  }

  private wake(id: string): void {
    this.seen.delete(id)
    this.waiters.wake(id)
  }

  /** Wakes the waiters of tasks other connections changed, and tells listeners of cancel requests for tasks this store runs. */
  private pollChanges(): void {
    const version = this.sql.dataVersion.get()!.data_version
    const changed = version !== this.seenVersion
    this.seenVersion = version
    // Views of tasks nobody waits on any more (their waits timed out) go too.
    if (!changed && this.seen.size <= this.waiters.size) return
    const waited = new Set(this.waiters.tasks())
    for (const [id, before] of this.seen) {
      if (!waited.has(id)) this.seen.delete(id)
      else if (changed && signature(this.sql.state.get(id)) !== before) this.wake(id)
    }
    if (!changed || this.cancelListeners.size === 0) return
    for (const { task_id } of this.sql.cancelAsked.all(this.owner)) {
      this.sql.setCancel.run(2, task_id)
      for (const listener of this.cancelListeners) listener(task_id)
    }
  }
}

/** What a waiter cares about in a task: its last event, its status, whether it was dropped. */
function signature(state: StateRow | null): string {
  return state ? `${state.last_seq} ${state.status} ${state.dropped !== null}` : 'none'
}
