// A task's recorded events in the sqlite store: one row per appendEvents batch
// (event-batch.ts), the recording kept within maxStreamBytes (as stored: its
// rows, sqlite/stored-bytes.ts) by dropping its oldest events — whole rows,
// and the oldest events of the oldest row left, which stays as it is while
// tasks.first_seq says where its kept events start (it goes once all of its
// events are dropped; until then its own bytes stay counted). A batch larger
// than the bound is stored without its own oldest events. What a turn's
// appends add to the store's total is counted once, when it commits.
//
// All the appends of one turn of the event loop (the recorders of every stream
// flush together, recorder.ts) go in one transaction, committed in a microtask
// once the turn's synchronous work is done: a commit costs tens of µs, a row a
// few. (Committing in setImmediate instead, a turn later, measured 4–5 points
// slower on test/bench/relay.ts's 50,000-chunk stream, and holds the file's
// write lock across the poll for I/O.) This process reads an append at once
// (same connection); other processes once it commits.

import { bytesBefore, bytesBlob, decodeEvents, encodeEvents } from '../event-batch.ts'
import { batchRowBytes, sqliteEventBytes } from './stored-bytes.ts'
import type { StateRow, Statements } from './sqlite-statements.ts'
import type { TaskEvent } from '../task-store.ts'

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
  /** What the turn's appends added to the recordings' bytes (less what they dropped). */
  private addedBytes = 0

  constructor(
    private readonly sql: Statements,
    private readonly maxStreamBytes: number,
    /** Called after a commit with the store's total bytes, when the turn changed it. */
    private readonly onStoredBytes: (total: number) => void,
  ) {}

  /** Appends a batch in this turn's transaction: resolves once that commits. */
  append(id: string, events: TaskEvent[]): Promise<void> {
    const turn = this.open()
    // A batch refused here wrote nothing: the turn's other appends stand.
    const checked = checkAppend(this.sql, id, events)
    if (!checked) return Promise.resolve()
    try {
      this.addedBytes += appendWithinBound(this.sql, id, events, checked, this.maxStreamBytes)
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
    const added = this.addedBytes
    let total: number | undefined
    try {
      if (added !== 0) total = this.sql.addStoredBytes.get(added)!.value
      this.sql.commit.run()
      turn.resolve()
    } catch (error) {
      this.rollback()
      turn.reject(error)
      return
    }
    if (total !== undefined) this.onStoredBytes(total)
  }

  private open(): PromiseWithResolvers<void> {
    if (this.turn) return this.turn
    commitOpenTurns()
    this.sql.begin.run()
    this.addedBytes = 0
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
    return sqliteEventBytes(event)
  })
  return { state, sizes }
}

/**
 * Stores a checked batch as one row (in the caller's transaction), dropping the
 * oldest events (recorded, then the batch's own) beyond the bound. Returns how
 * much the task's recorded bytes grew (less, when more went than came).
 */
function appendWithinBound(sql: Statements, id: string, events: TaskEvent[], { state, sizes }: CheckedAppend, maxStreamBytes: number): number {
  let eventBytes = sizes.reduce((a, b) => a + b, 0)
  let bytes = batchRowBytes(id, eventBytes)
  let { firstSeq, recorded } = dropOldestEvents(sql, id, state.first_seq, state.event_bytes, state.event_bytes + bytes - maxStreamBytes)
  // Still over: every recorded event went, and the batch loses its own oldest.
  let start = 0
  for (; start < events.length && recorded + bytes > maxStreamBytes; start++) {
    eventBytes -= sizes[start]!
    bytes = batchRowBytes(id, eventBytes)
    firstSeq = events[start]!.seq + 1
  }
  if (start < events.length) {
    sql.insertBatch.run(id, events[start]!.seq, events.at(-1)!.seq, bytes, bytesBlob(sizes, start), encodeEvents(events, start))
    recorded += bytes
  }
  sql.setWindow.run(firstSeq, events.at(-1)!.seq, recorded, id)
  return recorded - state.event_bytes
}

/**
 * Drops a task's oldest recorded events (in the caller's transaction) until
 * `excess` bytes are freed or none are left: whole rows, then the oldest events
 * of the next. Returns its new first seq and recorded bytes, for the caller to store.
 */
export function dropOldestEvents(sql: Statements, id: string, firstSeq: number, recorded: number, excess: number): { firstSeq: number; recorded: number } {
  let first = firstSeq
  while (excess > 0 && recorded > 0) {
    const oldest = sql.oldestBatches.all(id, first)
    for (const row of oldest) {
      if (excess <= 0) break
      // Events of the row before `first` were dropped already.
      let index = Math.max(0, first - row.first_seq)
      const count = row.last_seq - row.first_seq + 1
      if (bytesBefore(row.totals, count) - bytesBefore(row.totals, index) <= excess) {
        const kept = row.bytes - bytesBefore(row.totals, index)
        excess -= kept
        recorded -= kept
        first = row.last_seq + 1
        continue
      }
      for (; excess > 0; index++) {
        const bytes = bytesBefore(row.totals, index + 1) - bytesBefore(row.totals, index)
        excess -= bytes
        recorded -= bytes
      }
      first = row.first_seq + index
    }
    // No rows left: nothing is recorded, whatever was counted.
    if (oldest.length === 0) recorded = 0
  }
  if (first > firstSeq) sql.deleteBatchesBefore.run(id, first)
  return { firstSeq: first, recorded }
}

/** Up to `limit` recorded events from seq `from` on (the caller's snapshot). */
export function readBatches(sql: Statements, id: string, from: number, limit: number): TaskEvent[] {
  const events: TaskEvent[] = []
  if (limit <= 0) return events
  const to = from + limit - 1
  for (const row of sql.batches.all(id, from, id, to, to)) decodeEvents(row.payload, row.first_seq, from, to, events)
  return events
}
