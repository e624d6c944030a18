// A task's recorded events in the sqlite store: appended in batches, the
// recording kept within maxStreamBytes by deleting its oldest events (and, for
// a batch larger than the bound, not inserting the batch's own oldest).

import { eventBytes } from './retention.ts'
import type { Statements } from './sqlite-statements.ts'
import type { TaskEvent } from './task-store.ts'

/** Inserts the batch (in the caller's transaction), trimming the oldest events (recorded, then the batch's own) beyond the bound. */
export function appendWithinBound(sql: Statements, id: string, events: TaskEvent[], maxStreamBytes: number): void {
  const state = sql.state.get(id)
  if (!state) throw new Error(`task store: no task "${id}" to record events of`)
  if (state.finished_at !== null) return // a finished stream takes no more events
  const sizes = events.map((event, i) => {
    const expected = state.last_seq + 1 + i
    if (event.seq !== expected) throw new Error(`task store: task "${id}" records event ${expected} next, not ${event.seq}`)
    return eventBytes(event)
  })
  let recorded = state.event_bytes
  let excess = recorded + sizes.reduce((a, b) => a + b, 0) - maxStreamBytes
  let firstSeq = state.first_seq
  while (excess > 0 && recorded > 0) {
    const oldest = sql.oldestEvents.all(id, firstSeq)
    for (const row of oldest) {
      if (excess <= 0) break
      excess -= row.bytes
      recorded -= row.bytes
      firstSeq = row.seq + 1
    }
    if (oldest.length === 0) break
  }
  if (firstSeq > state.first_seq) sql.deleteEventsBefore.run(id, firstSeq)
  events.forEach((event, i) => {
    if (excess > 0) {
      excess -= sizes[i]!
      firstSeq = event.seq + 1
      return
    }
    sql.insertEvent.run(id, event.seq, event.event ?? null, event.data, sizes[i]!)
    recorded += sizes[i]!
  })
  sql.setWindow.run(firstSeq, events.at(-1)!.seq, recorded, id)
}
