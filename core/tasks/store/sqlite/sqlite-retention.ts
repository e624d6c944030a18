// Retention in the sqlite task store, one bounded sweep at a time (run inside
// a write transaction), in the order retention.ts gives: finished tasks older
// than maxAgeMs are deleted; tombstones beyond their count go, the oldest
// first; then, while the store holds more than maxBytes, the oldest finished
// tasks lose their outputs and events (a tombstone row stays), the oldest
// tombstones go, and the oldest running tasks' recordings are cut down to
// RUNNING_FLOOR_BYTES.

import { DEFAULT_MAX_TOMBSTONES, droppedMark, RUNNING_FLOOR_BYTES } from '../retention.ts'
import { dropOldestEvents } from './sqlite-recording.ts'
import type { RecordingRow, Statements, SweptRow } from './sqlite-statements.ts'
import type { Retention } from '../task-store.ts'

/** Bounds on one sweep (tasks, and the events deleted with them): the rest waits for the next. */
const SWEEP_TASKS = 256
const SWEEP_EVENTS = 50_000
/** Tasks read at a time. */
const PAGE = 32

/** One sweep; `more` when work is left for another, `storedBytes` what the store holds after it. */
export function sweepRetention(sql: Statements, retention: Retention): { more: boolean; storedBytes: number } {
  const sweep = new Sweep(sql, retention)
  sweep.run()
  return sweep.end()
}

class Sweep {
  private budget = { tasks: SWEEP_TASKS, events: SWEEP_EVENTS }
  private readonly storedBefore: number
  private stored: number
  private readonly tombstonesBefore: number
  private tombstones: number
  private readonly maxTombstones: number
  private readonly mark: string

  constructor(
    private readonly sql: Statements,
    private readonly retention: Retention,
  ) {
    this.stored = this.storedBefore = sql.storedBytes.get()!.value
    this.tombstones = this.tombstonesBefore = sql.tombstones.get()!.value
    this.maxTombstones = retention.maxTombstones ?? DEFAULT_MAX_TOMBSTONES
    this.mark = droppedMark(retention.maxBytes)
  }

  private get spent(): boolean {
    return this.budget.tasks <= 0 || this.budget.events <= 0
  }

  private get over(): boolean {
    return this.stored > this.retention.maxBytes
  }

  run(): void {
    const capTombstones = () =>
      this.each(() => this.sql.oldestTombstones.all(PAGE), () => this.tombstones > this.maxTombstones, (task) => this.delete(task))
    this.each(() => this.sql.expired.all(Date.now() - this.retention.maxAgeMs, PAGE), () => true, (task) => this.delete(task))
    capTombstones()
    // A tombstone frees little when the output was small; the oldest one it pushes beyond the count frees its row.
    this.each(() => this.sql.oldestKept.all(PAGE), () => this.over, (task) => {
      this.tombstone(task)
      capTombstones()
    })
    this.each(() => this.sql.oldestTombstones.all(PAGE), () => this.over, (task) => this.delete(task))
    this.each(() => this.sql.recordingsAbove.all(RUNNING_FLOOR_BYTES, PAGE), () => this.over, (task) => this.trim(task))
  }

  /** Applies `act` to the tasks `page` reads while `wanted` and the budget last; stops when a page is empty. */
  private each<T>(page: () => T[], wanted: () => boolean, act: (task: T) => void): void {
    while (wanted() && !this.spent) {
      const tasks = page()
      if (tasks.length === 0) return
      for (const task of tasks) {
        if (!wanted() || this.spent) return
        act(task)
        this.budget.tasks--
      }
    }
  }

  private delete(task: SweptRow): void {
    this.sql.deleteEvents.run(task.task_id)
    this.sql.deleteTask.run(task.task_id)
    this.stored -= task.bytes
    if (task.tombstone) this.tombstones--
    this.budget.events -= task.events
  }

  private tombstone(task: SweptRow): void {
    this.sql.deleteEvents.run(task.task_id)
    this.sql.tombstone.run(this.mark, this.mark.length, task.task_id)
    this.stored -= task.bytes - this.mark.length
    this.tombstones++
    this.budget.events -= task.events
  }

  private trim(task: RecordingRow): void {
    const kept = dropOldestEvents(this.sql, task.task_id, task.first_seq, task.event_bytes, task.event_bytes - RUNNING_FLOOR_BYTES)
    this.sql.setWindow.run(kept.firstSeq, task.last_seq, kept.recorded, task.task_id)
    this.stored -= task.event_bytes - kept.recorded
    this.budget.events -= kept.firstSeq - task.first_seq
  }

  end(): { more: boolean; storedBytes: number } {
    if (this.stored !== this.storedBefore) this.sql.addStoredBytes.get(this.stored - this.storedBefore)
    if (this.tombstones !== this.tombstonesBefore) this.sql.addTombstones.run(this.tombstones - this.tombstonesBefore)
    return { more: this.spent, storedBytes: this.stored }
  }
}
