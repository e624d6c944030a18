// Records a running task's SSE events in the store while they go out: numbers
// them (seq 1, 2, 3…) and appends the events of one event-loop turn in one
// call. One flush is scheduled per turn for all the recorders of the process
// (not a timer per event, nor per stream), so a store may also write them
// together. The stream never waits for the store: while an append is under
// way the next events gather into the following one. The store bounds what it
// keeps (Retention.maxStreamBytes).

import { messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import { StoreUnavailable } from './guarded-store.ts'
import type { TaskEvent, TaskStore } from './store/task-store.ts'
import { storeWriteTimer } from '../observe/store-writes.ts'

/**
 * Events a batch holds before it is written without waiting for the turn to
 * end: a fast source read in one long run of microtasks still reaches the
 * store (and its followers) as it goes, and the batch stays small.
 */
const MAX_BATCH = 1024

const waiting = new Set<Recorder>()
let flushScheduled = false

function flushWaiting(): void {
  flushScheduled = false
  const recorders = [...waiting]
  waiting.clear()
  for (const recorder of recorders) recorder.flush()
}

export class Recorder {
  private seq = 0
  private batch: TaskEvent[] = []
  /** The append under way, if any: there is at most one, so seqs land in order. */
  private writing: Promise<void> | undefined
  private failed = false
  private closed = false

  constructor(
    private readonly store: TaskStore,
    private readonly taskId: string,
    private readonly log: Logger,
  ) {}

  /** Numbers the event and queues it for the store. */
  add(data: string, event?: string): TaskEvent {
    const recorded: TaskEvent = event === undefined ? { seq: ++this.seq, data } : { seq: ++this.seq, event, data }
    if (this.closed || this.failed) return recorded
    if (this.batch.push(recorded) >= MAX_BATCH) this.flush()
    else if (this.batch.length === 1) {
      waiting.add(this)
      if (!flushScheduled) {
        flushScheduled = true
        setImmediate(flushWaiting)
      }
    }
    return recorded
  }

  /** Writes what is queued and resolves once all of it landed; records nothing after. */
  async close(): Promise<void> {
    this.closed = true
    while (this.writing !== undefined || (this.batch.length > 0 && !this.failed)) {
      if (this.writing === undefined) this.flush()
      await this.writing
    }
  }

  /** Appends the queued events, unless an append is under way (its end appends them). */
  flush(): void {
    waiting.delete(this)
    if (this.batch.length === 0 || this.failed || this.writing !== undefined) return
    const events = this.batch
    this.batch = []
    const timed = storeWriteTimer('append_events')
    this.writing = this.store.appendEvents(this.taskId, events).then(
      () => {
        timed?.(true)
        this.writing = undefined
        // What came in meanwhile goes in the next append.
        if (this.batch.length > 0 && !this.closed) this.flush()
      },
      (error) => {
        timed?.(false)
        // The run goes on; only its recording stops (a client resuming it then misses the rest).
        this.writing = undefined
        this.failed = true
        this.batch = []
        // A store outage is already reported, once per interval (guarded-store.ts).
        const report = error instanceof StoreUnavailable ? this.log.debug : this.log.error
        report(`task ${this.taskId}: recording its stream failed, so it cannot be resumed: ${messageOf(error)}`)
      },
    )
  }
}
