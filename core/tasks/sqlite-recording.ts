// A task's recorded events in the sqlite store: one row per appendEvents batch
// (event-batch.ts), the recording kept within maxStreamBytes by dropping its
// oldest events — whole rows, and the oldest events of the oldest row left,
// which stays as it is while tasks.first_seq says where its kept events start
// (it goes once all of its events are dropped). A batch larger than the bound
// is stored without its own oldest events.
//
// All the appends of one turn of the event loop (the recorders of every stream
// flush together, recorder.ts) go in one transaction, committed in a microtask
// once the turn's synchronous work is done: a commit costs tens of µs, a row a
// few. (Committing in setImmediate instead, a turn later, measured 4–5 points
// slower on test/bench/relay.ts's 50,000-chunk stream, and holds the file's
// write lock across the poll for I/O.) This process reads an append at once
// (same connection); other processes once it commits.

import { bytesBefore, bytesBlob, decodeEvents, encodeEvents } from './event-batch.ts'
import { eventBytes } from './retention.ts'
import type { StateRow, Statements } from './sqlite-statements.ts'
import type { TaskEvent } from './task-store.ts'

/**
 * The turns of this process whose transactions are open. Another connection
 * of this process (another store on the same file) would wait for their write
 * lock in this very thread, where they cannot commit: they commit first.
 */
const openTurns = new Set<TurnAppends>()

/** Commits every open turn of this process: before any other write. */
export function commitOpenTurns(): void {
  for (const turn of openTurns) turn.commit()
}

/** The appends of the current turn: its transaction, while open. */
export class TurnAppends {
  private turn: PromiseWithResolvers<void> | undefined

  constructor(
    private readonly sql: Statements,
    private readonly maxStreamBytes: number,
  ) {}

  /** Appends a batch in this turn's transaction: resolves once that commits. */
  append(id: string, events: TaskEvent[]): Promise<void> {
    const turn = this.open()
    // A batch refused here wrote nothing: the turn's other appends stand.
    const checked = checkAppend(this.sql, id, events)
    if (!checked) return Promise.resolve()
    try {
      appendWithinBound(this.sql, id, events, checked, this.maxStreamBytes)
    } catch (error) {
      // Half a batch written: the turn's transaction goes, and every append of it fails.
      this.turn = undefined
      openTurns.delete(this)
      this.rollback()
      turn.reject(error)
      throw error
    }
    return turn.promise
  }

  /** Commits the turn's appends now (before any other write, so a finish never lands ahead of its task's last events). */
  commit(): void {
    const turn = this.turn
    if (!turn) return
    this.turn = undefined
    openTurns.delete(this)
    try {
      this.sql.commit.run()
      turn.resolve()
    } catch (error) {
      this.rollback()
      turn.reject(error)
    }
  }

  private open(): PromiseWithResolvers<void> {
    if (this.turn) return this.turn
    commitOpenTurns()
    this.sql.begin.run()
    const turn = Promise.withResolvers<void>()
    // Its appends await it; this keeps the failure of a turn whose appends all threw from going unhandled.
    turn.promise.catch(() => {})
    queueMicrotask(() => this.commit())
    openTurns.add(this)
    return (this.turn = turn)
  }

  private rollback(): void {
    try {
      this.sql.rollback.run()
    } catch {} // sqlite rolled it back itself
  }
}

interface CheckedAppend {
  state: StateRow
  /** Each event's recorded bytes. */
  sizes: number[]
}

/**
 * Checks a batch against the task before anything is written: throws for an
 * unknown task or a seq that does not continue its last one; undefined when
 * the task has finished (a finished stream takes no more events).
 */
function checkAppend(sql: Statements, id: string, events: TaskEvent[]): CheckedAppend | undefined {
  const state = sql.state.get(id)
  if (!state) throw new Error(`task store: no task "${id}" to record events of`)
  if (state.finished_at !== null) return undefined
  const sizes = events.map((event, i) => {
    const expected = state.last_seq + 1 + i
    if (event.seq !== expected) throw new Error(`task store: task "${id}" records event ${expected} next, not ${event.seq}`)
    return eventBytes(event)
  })
  return { state, sizes }
}

/** Stores a checked batch as one row (in the caller's transaction), dropping the oldest events (recorded, then the batch's own) beyond the bound. */
function appendWithinBound(sql: Statements, id: string, events: TaskEvent[], { state, sizes }: CheckedAppend, maxStreamBytes: number): void {
  let recorded = state.event_bytes
  let excess = recorded + sizes.reduce((a, b) => a + b, 0) - maxStreamBytes
  let firstSeq = state.first_seq
  while (excess > 0 && recorded > 0) {
    const oldest = sql.oldestBatches.all(id, firstSeq)
    for (const row of oldest) {
      if (excess <= 0) break
      // Events of the row before firstSeq were dropped already.
      let index = Math.max(0, firstSeq - row.first_seq)
      const kept = row.bytes - bytesBefore(row.totals, index)
      if (kept <= excess) {
        excess -= kept
        recorded -= kept
        firstSeq = row.last_seq + 1
        continue
      }
      for (; excess > 0; index++) {
        const bytes = bytesBefore(row.totals, index + 1) - bytesBefore(row.totals, index)
        excess -= bytes
        recorded -= bytes
      }
      firstSeq = row.first_seq + index
    }
    if (oldest.length === 0) break
  }
  if (firstSeq > state.first_seq) sql.deleteBatchesBefore.run(id, firstSeq)
  let start = 0
  for (; start < events.length && excess > 0; start++) {
    excess -= sizes[start]!
    firstSeq = events[start]!.seq + 1
  }
  if (start < events.length) {
    let bytes = 0
    for (let i = start; i < sizes.length; i++) bytes += sizes[i]!
    sql.insertBatch.run(id, events[start]!.seq, events.at(-1)!.seq, bytes, bytesBlob(sizes, start), encodeEvents(events, start))
    recorded += bytes
  }
  sql.setWindow.run(firstSeq, events.at(-1)!.seq, recorded, id)
}

/** Up to `limit` recorded events from seq `from` on (the caller's snapshot). */
export function readBatches(sql: Statements, id: string, from: number, limit: number): TaskEvent[] {
  const events: TaskEvent[] = []
  if (limit <= 0) return events
  const to = from + limit - 1
  for (const row of sql.batches.all(id, from, id, to, to)) decodeEvents(row.payload, row.first_seq, from, to, events)
  return events
}
