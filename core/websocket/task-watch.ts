// A client's subscription to a task it did not start here (`subscribe_task`,
// `?task=`, an HTTP run naming its session), or to one of its runs that no
// longer runs for it (waiting for a human's answer, or run by a queue worker):
// the task is read from the store — any process's task — and each change of
// its status goes out as a `task_state` message, until it finishes, the
// client unsubscribes, or goes. Once the task streams, its recorded chunks go
// out as `task_chunk`s (as `GET /tasks/{id}/stream` follows them:
// core/tasks/follow.ts), at the client's reading pace, before its final state.

import { messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import { followTask } from '../tasks/follow.ts'
import type { StoredTask, TaskStore } from '../tasks/store/task-store.ts'
import type { SocketConnection } from './connection.ts'
import { chunkFrame, errorFrame, frame } from './envelope.ts'

/** A wait for a change ends after this long, and the watch looks again (a missed wake-up costs at most this). */
const WAIT_MS = 15_000

const isFinished = (task: StoredTask) => task.status === 'completed' || task.status === 'failed'

export interface WatchOptions {
  /** The status the client was last told (a change from it goes out). */
  seen: StoredTask['status'] | undefined
  /**
   * Chunks after this seq go out. Undefined: those recorded after the watch
   * began (a stream already going is joined where it is; model-compose replays nothing).
   */
  afterSeq?: number | undefined
  log: Logger
  stateOf: (task: StoredTask) => Record<string, unknown>
  /** Whether the task's stream is sse-json (a chunk's data is JSON already), else text. */
  jsonChunks: (task: StoredTask) => boolean
}

/** Sends `task_state` for every status the task takes after `seen`, and its chunks, until it finishes or the client leaves it. */
export function watchTask(connection: SocketConnection, store: TaskStore, taskId: string, options: WatchOptions): void {
  const stop = new AbortController()
  connection.follow(taskId, () => stop.abort())
  void watch(connection, store, taskId, options, stop.signal)
    .catch((error) => options.log.warn(`WebSocket: watching task ${taskId} failed: ${messageOf(error)}`))
    .finally(() => {
      if (!stop.signal.aborted) connection.unfollow(taskId)
    })
}

async function watch(connection: SocketConnection, store: TaskStore, taskId: string, options: WatchOptions, signal: AbortSignal): Promise<void> {
  let last = options.seen
  let chunks: Promise<void> | undefined
  for (let first = true; !signal.aborted; first = false) {
    const task = await store.get(taskId)
    if (signal.aborted || !task) return
    if (task.streamed && !chunks) {
      // Streaming when the watch began: from the newest recorded chunk; else from its first.
      const after = options.afterSeq ?? (first ? await newestSeq(store, taskId) : 0)
      chunks = sendChunks(connection, store, task, after, options.jsonChunks(task), signal)
    }
    if (isFinished(task)) await chunks
    if (signal.aborted) return
    if (task.status !== last) {
      last = task.status
      connection.send(frame('task_state', undefined, options.stateOf(task)))
    }
    if (isFinished(task)) return
    await store.waitForChange(taskId, Number.MAX_SAFE_INTEGER, WAIT_MS, signal)
  }
}

async function newestSeq(store: TaskStore, taskId: string): Promise<number> {
  try {
    return (await store.readEvents(taskId, 0, 1)).lastSeq
  } catch {
    // Its events were dropped: there is nothing to join.
    return Number.MAX_SAFE_INTEGER
  }
}

/** The task's recorded chunks after `afterSeq`, live ones as they come, until its stream ends; a failure's `error` event is left to the final task_state. */
async function sendChunks(connection: SocketConnection, store: TaskStore, task: StoredTask, afterSeq: number, json: boolean, signal: AbortSignal): Promise<void> {
  const quotedId = JSON.stringify(task.task_id)
  try {
    const events = await followTask(store, task.task_id, afterSeq, signal)
    if (!events) return
    for await (const event of events) {
      if (signal.aborted || connection.isClosed) return
      if (event.event === 'error') continue
      const backedUp = connection.send(chunkFrame(quotedId, event.seq, json ? event.data : JSON.stringify(event.data)))
      if (backedUp) await backedUp
    }
  } catch (error) {
    // Its chunks after `afterSeq` are no longer all recorded (410), or the store failed: say so; the states go on.
    connection.send(errorFrame(error, undefined))
  }
}
