// Turns a task's events into an SSE HTTP response. The body is a Bun "direct"
// stream written straight to the socket: each event is framed (with its id,
// `<task_id>:<seq>`) and written the moment it exists. A write the client has
// not taken yet holds the source back (back-pressure). While no event comes
// for `keepAliveMs`, a keep-alive comment goes out — the first one within
// FIRST_KEEP_ALIVE_MS when the first event is slow to come. A failure of the source
// becomes an `error` event. When the client goes away, `onCancel` says so.

import { messageOf } from '../errors.ts'
import { FIRST_KEEP_ALIVE_MS, KEEP_ALIVE, SSE_HEADERS, sseEvent } from '../http/sse.ts'
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
      // Not async: most writes are taken at once, and this runs for every event.
      const send = (text: string): number | Promise<number> => {
        lastWrite = performance.now()
        return controller.write(text)
      }
      const opened = performance.now()
      let lastWrite = opened
      let open = true
      const keepAlive = () => {
        try {
          const written = send(KEEP_ALIVE)
          if (typeof written !== 'number') written.catch(() => {})
        } catch {
          // the client is gone: the pull below finds out
        }
      }
      // The keep-alive comes from a timer, so reading an event costs no race against it.
      const timer = setInterval(() => {
        if (open && performance.now() - lastWrite >= options.keepAliveMs) keepAlive()
      }, Math.max(1, options.keepAliveMs / 4))
      // Nothing written yet when it fires: the first event is slow to come.
      const firstTimer = setTimeout(() => {
        if (open && lastWrite === opened) keepAlive()
      }, Math.min(FIRST_KEEP_ALIVE_MS, options.keepAliveMs))
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
        open = false
        clearInterval(timer)
        clearTimeout(firstTimer)
      }
      controller.close()
    },
    cancel,
  })
  return new Response(body, { headers: SSE_HEADERS })
}

/** A whole stream of one event, `data` (a streaming workflow whose value was not a stream); none when it is null. */
export function singleEventResponse(taskId: string, data: string | null): Response {
  return new Response(data === null ? '' : sseEvent(data, undefined, eventIdOf(taskId, 1)), { headers: SSE_HEADERS })
}
