// Following a task's stream from the store, from any process: its recorded
// events after a given seq, then live ones as they are recorded, until the
// task ends. Only readEvents and waitForChange are used, so it works the same
// on every backend. A task whose run did not stream has, once finished, one
// event: its output (JSON), or an `error` event. A streamed run that failed
// without recording why (its process died) ends with an `error` event saying so;
// so does one whose end this process could not store (outcome-writer.ts).

import { HttpError, notFound } from '../errors.ts'
import { jsonText } from '../http/json-response.ts'
import { describeBytes } from '../settings.ts'
import { errorEventData } from './live-run.ts'
import { onUnstoredOutcome, unstoredOutcome } from './outcome-writer.ts'
import { RUNNING_FLOOR_BYTES } from './store/retention.ts'
import type { StoredTask, TaskEvent, TaskStore } from './store/task-store.ts'

/** Events read per call to the store. */
const BATCH = 256
/** A wait for a change ends after this long, and the reader looks again. */
const WAIT_MS = 15_000

interface Read {
  events: TaskEvent[]
  /** Nothing comes after these events. */
  ended: boolean
}

/**
 * The task's events after `afterSeq`: undefined when there are none and none
 * will come (the client has them all). 404 for an unknown task; 410 for one
 * whose output was dropped, or whose events after `afterSeq` are no longer all
 * recorded.
 */
export async function followTask(
  store: TaskStore,
  id: string,
  afterSeq: number,
  signal: AbortSignal,
): Promise<AsyncIterable<TaskEvent> | undefined> {
  const first = await readAfter(store, id, afterSeq)
  if (first.ended && first.events.length === 0) return undefined
  return follow(store, id, afterSeq, signal, first)
}

async function* follow(store: TaskStore, id: string, after: number, signal: AbortSignal, read: Read): AsyncGenerator<TaskEvent> {
  for (;;) {
    for (const event of read.events) {
      yield event
      after = event.seq
    }
    if (read.ended || signal.aborted) return
    if (read.events.length === 0) await waitForChange(store, id, after, signal)
    if (signal.aborted) return
    read = await readAfter(store, id, after)
  }
}

/** A change in the store, or this process failing to store the task's outcome. */
async function waitForChange(store: TaskStore, id: string, after: number, signal: AbortSignal): Promise<void> {
  const trouble = new AbortController()
  const stopWatching = onUnstoredOutcome(id, () => trouble.abort())
  try {
    await store.waitForChange(id, after, WAIT_MS, AbortSignal.any([signal, trouble.signal]))
  } finally {
    stopWatching()
  }
}

async function readAfter(store: TaskStore, id: string, after: number): Promise<Read> {
  // The status is read before the events: a task seen finished has recorded them all.
  const task = await store.get(id)
  if (!task) throw notFound(`unknown task "${id}"`)
  if (task.dropped !== undefined) throw new HttpError(410, task.dropped)
  const finished = task.status === 'completed' || task.status === 'failed'
  // Its run ended here but the store takes no writes: the store will not say so, this process does.
  const unstored = finished ? undefined : unstoredOutcome(id)
  if (!task.streamed) {
    if (!finished) return unstored === undefined ? { events: [], ended: false } : unstoredEnd(unstored, 0)
    return { events: after < 1 ? [outcomeEvent(task)] : [], ended: true }
  }
  const window = await store.readEvents(id, after, BATCH)
  if (after < window.firstSeq - 1) {
    throw new HttpError(410, `task "${id}": its events before ${id}:${window.firstSeq} are no longer recorded (a task keeps only the newest events of its stream: MC_TASK_STREAM_BYTES, and a running one only its last ${describeBytes(RUNNING_FLOOR_BYTES)} while the store is full: MC_TASK_STORE_BYTES)`)
  }
  if (window.events.length > 0) return { events: window.events, ended: false }
  if (!finished) return unstored === undefined ? { events: [], ended: false } : unstoredEnd(unstored, window.lastSeq)
  if (task.status === 'failed' && after === window.lastSeq && !(await endsWithError(store, id, window.lastSeq))) {
    return { events: [{ seq: window.lastSeq + 1, event: 'error', data: errorEventData(task.error ?? 'failed') }], ended: true }
  }
  return { events: [], ended: true }
}

function unstoredEnd(reason: string, lastSeq: number): Read {
  return { events: [{ seq: lastSeq + 1, event: 'error', data: errorEventData(reason) }], ended: true }
}

async function endsWithError(store: TaskStore, id: string, lastSeq: number): Promise<boolean> {
  if (lastSeq === 0) return false
  const { events } = await store.readEvents(id, lastSeq - 1, 1)
  return events[0]?.event === 'error'
}

/** The one event of a finished task whose run did not stream. */
function outcomeEvent(task: StoredTask): TaskEvent {
  if (task.status === 'failed') return { seq: 1, event: 'error', data: errorEventData(task.error ?? 'failed') }
  return { seq: 1, data: jsonText(task.output ?? null) }
}
