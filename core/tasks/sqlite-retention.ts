// Retention in the sqlite task store, one bounded sweep at a time (run inside
// a write transaction): finished tasks older than maxAgeMs are deleted; beyond
// maxBytes of outputs and events, the oldest finished tasks lose them and keep
// a tombstone row saying why.

import { droppedReason } from './retention.ts'
import type { Statements } from './sqlite-statements.ts'
import type { Retention, TaskStatus } from './task-store.ts'

/** Bounds on one sweep (tasks, and the events deleted with them): the rest waits for the next. */
const SWEEP_TASKS = 256
const SWEEP_EVENTS = 50_000

/** One sweep; true when work is left for another. */
export function sweepRetention(sql: Statements, { maxAgeMs, maxBytes }: Retention): boolean {
  let budget = SWEEP_EVENTS
  const before = sql.keptBytes.get()!.value
  let kept = before
  const expired = sql.expired.all(Date.now() - maxAgeMs, SWEEP_TASKS)
  for (const task of expired) {
    if (budget <= 0) break
    sql.deleteEvents.run(task.task_id)
    sql.deleteTask.run(task.task_id)
    kept -= task.bytes
    budget -= task.events + 1
  }
  let keptLeft = true
  while (kept > maxBytes && budget > 0 && keptLeft) {
    const oldest = sql.oldestKept.all(32)
    keptLeft = oldest.length > 0
    for (const task of oldest) {
      if (kept <= maxBytes || budget <= 0) break
      sql.deleteEvents.run(task.task_id)
      sql.tombstone.run(droppedReason(task.task_id, task.status as TaskStatus, maxBytes), task.task_id)
      kept -= task.bytes
      budget -= task.events + 1
    }
  }
  // Nothing left to drop: the count is what is kept, nothing.
  if (!keptLeft) kept = 0
  if (kept !== before) sql.addKeptBytes.run(kept - before)
  return budget <= 0 || expired.length === SWEEP_TASKS || (kept > maxBytes && keptLeft)
}
