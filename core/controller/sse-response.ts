// Turns a task's events into an SSE HTTP response. The body is a Bun "direct"
// stream written straight to the socket: each event is framed (with its id,
// `<task_id>:<seq>`) and written the moment it exists. A write the client has
// not taken yet holds the source back (back-pressure). While no event comes,
// keep-alive comments go out (core/http/kept-alive-writer.ts). A failure of the source
// becomes an `error` event. When the client goes away, `onCancel` says so.
// The head carries the task's id (`X-Task-Id`), before any event.

import { messageOf } from '../errors.ts'
import { keptAliveWriter } from '../http/kept-alive-writer.ts'
import { SSE_HEADERS, sseEvent } from '../http/sse.ts'
import type { TaskEvent } from '../tasks/store/task-store.ts'
import { eventIdOf } from './event-id.ts'

export interface SseResponseOptions {
  keepAliveMs: number
  onCancel: () => void
}

/** `next` gives the next event, or undefined at the end. */
export function sseResponse(taskId: string, next: () => Promise<TaskEvent | undefined>, options: SseResponseOptions): Response {
  // Every event's id is `<task_id>:<seq>` (event-id.ts), its head made once.
  const idPrefix = `${taskId}:`
  let cancelled = false
  const cancel = () => {
    if (cancelled) return
    cancelled = true
    options.onCancel()
  }
  const body = new ReadableStream({
    type: 'direct',
    async pull(controller: ReadableStreamDirectController) {
      // Bun sends what was written when the event-loop turn ends (events that came in
      // together leave in one packet); a write the client has not taken yet is a promise.
      const writer = keptAliveWriter(controller, options.keepAliveMs)
      const send = writer.send
      try {
        while (!cancelled) {
          const event = await next()
          if (cancelled || event === undefined) break
          const written = send(sseEvent(event.data, event.event, idPrefix + event.seq))
          if (typeof written !== 'number') await written
        }
      } catch (error) {
        // Not an event of the task's stream (it has no id): why this client's copy of it broke off.
        if (!cancelled) {
          try {
            await send(sseEvent(JSON.stringify({ detail: messageOf(error) }), 'error'))
          } catch {
            // the client is gone too
          }
        }
      } finally {
        writer.stop()
      }
      controller.close()
    },
    cancel,
  })
  // The task id in the head too: a client can cancel before the first event comes.
  return new Response(body, { headers: { ...SSE_HEADERS, 'x-task-id': taskId } })
}

/** A whole stream of one event, `data` (a streaming workflow whose value was not a stream); none when it is null. */
export function singleEventResponse(taskId: string, data: string | null): Response {
  return new Response(data === null ? '' : sseEvent(data, undefined, eventIdOf(taskId, 1)), { headers: { ...SSE_HEADERS, 'x-task-id': taskId } })
}
