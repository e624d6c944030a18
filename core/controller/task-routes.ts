// The task routes, read from the store (so they answer for tasks of an earlier
// life of this process, or of another process sharing the store):
//   GET  /tasks/{id}[?output_only=true]  the task, or its output
//   GET  /tasks/{id}/stream              its SSE events (Last-Event-ID: after that one)
//   POST /tasks/{id}/cancel              model-compose 0.4.92's cancel
// (POST /tasks/{id}/resume is resume-task.ts's.)

import { badRequest, notFound } from '../errors.ts'
import { jsonResponse } from '../http/json-response.ts'
import { followTask } from '../tasks/follow.ts'
import type { LiveTasks } from '../tasks/live-tasks.ts'
import type { StoredTask, TaskStore } from '../tasks/store/task-store.ts'
import { parseEventId } from './event-id.ts'
import { sseResponse } from './sse-response.ts'
import { taskView } from './task-view.ts'

export interface TaskRoutesOptions {
  store: TaskStore
  live: LiveTasks
  keepAliveMs: number
}

/** How long a cancel waits for the task to end (another process may run it). */
const CANCEL_WAIT_MS = 10_000

const isFinished = (task: StoredTask) => task.status === 'completed' || task.status === 'failed'

async function storedTask(store: TaskStore, id: string): Promise<StoredTask> {
  const task = await store.get(id)
  if (!task) throw notFound(`unknown task "${id}"`)
  return task
}

export async function taskAnswer(store: TaskStore, id: string, outputOnly: boolean): Promise<Response> {
  const task = await storedTask(store, id)
  if (task.dropped !== undefined) return jsonResponse({ detail: task.dropped, task_id: task.task_id, status: task.status }, 410)
  if (!outputOnly) return jsonResponse(taskView(task))
  if (task.status === 'failed') return jsonResponse({ detail: task.error ?? 'failed' }, 500)
  if (task.status !== 'completed') return jsonResponse(task.status === 'interrupted' ? taskView(task) : { task_id: task.task_id, status: task.status }, 202)
  return jsonResponse(task.output ?? null)
}

/** Where a client resumes: the seq after which it wants events (0: from the start), from `Last-Event-ID` or `?last_event_id=`. */
export function resumePoint(request: Request, id: string): number {
  const header = request.headers.get('last-event-id')?.trim()
  const query = new URL(request.url).searchParams.get('last_event_id')?.trim()
  const [text, field] = header ? [header, 'Last-Event-ID'] : [query, 'last_event_id']
  if (!text) return 0
  const position = parseEventId(text, field)
  if (position.taskId !== id) throw badRequest(`${field}: ${JSON.stringify(text)} is an event of task "${position.taskId}", not of "${id}"`)
  return position.seq
}

/**
 * The task's events after `afterSeq` as SSE: 204 when the client has them all
 * (EventSource stops reconnecting), 404 for an unknown task, 410 when they are
 * no longer all recorded.
 */
export async function streamAnswer(id: string, afterSeq: number, options: TaskRoutesOptions, onClientGone?: () => void): Promise<Response> {
  const stop = new AbortController()
  // 404 and 410 are thrown.
  const events = await followTask(options.store, id, afterSeq, stop.signal)
  if (!events) return new Response(null, { status: 204 })
  const iterator = events[Symbol.asyncIterator]()
  // A client following a run of this process keeps it alive past a grace period.
  const leave = options.live.get(id)?.live?.follow()
  const next = async () => {
    const result = await iterator.next()
    if (result.done) leave?.()
    return result.done ? undefined : result.value
  }
  return sseResponse(id, next, {
    keepAliveMs: options.keepAliveMs,
    onCancel: () => {
      leave?.()
      onClientGone?.()
      stop.abort()
      void iterator.return?.()
    },
  })
}

export async function cancelAnswer(id: string, waitForCompletion: boolean, options: TaskRoutesOptions): Promise<Response> {
  const { store } = options
  const task = await storedTask(store, id)
  if (isFinished(task)) return jsonResponse({ detail: `task "${id}" has already finished: ${task.status}` }, 409)
  // Whichever process runs it stops it; this one at once.
  await store.requestCancel(id)
  const here = options.live.cancel(id, CANCELLED)
  // Interrupted, it may wait in no process (they stopped): it is finished here; one that waits elsewhere lets go.
  if (!here && task.status === 'interrupted') await store.finish(id, { status: 'failed', error: CANCELLED })
  if (!waitForCompletion) return jsonResponse(taskView(await storedTask(store, id)))
  return jsonResponse(taskView(await finishedTask(store, id)))
}

export const CANCELLED = 'cancelled'

/** The task once it finished, or as it is after CANCEL_WAIT_MS. */
async function finishedTask(store: TaskStore, id: string): Promise<StoredTask> {
  const deadline = performance.now() + CANCEL_WAIT_MS
  const never = new AbortController().signal
  for (;;) {
    const task = await storedTask(store, id)
    const left = deadline - performance.now()
    if (isFinished(task) || left <= 0) return task
    // Any seq: only the task's end matters here.
    await store.waitForChange(id, Number.MAX_SAFE_INTEGER, Math.min(left, 1000), never)
  }
}
