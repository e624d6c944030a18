// Turns a stream of output chunks into an SSE HTTP response. The body is a
// Bun "direct" stream written straight to the socket: each chunk is framed and
// written the moment it exists. A write the client has not taken yet holds the
// source back (back-pressure). While no chunk comes for `keepAliveMs`, a
// keep-alive comment goes out. A failure after the stream began becomes an
// `error` event. When the client goes away the run is cancelled.

import { messageOf } from '../errors.ts'
import type { Stream } from '../stream/operators.ts'
import { KEEP_ALIVE, SSE_HEADERS, sseEvent, sseFramer, type SseFormat } from '../stream/sse.ts'

export interface SseResponseOptions {
  keepAliveMs: number
  onCancel: () => void
}

export function sseResponse(chunks: Stream, format: SseFormat, options: SseResponseOptions): Response {
  const iterator = chunks[Symbol.asyncIterator]()
  const frame = sseFramer(format)
  let cancelled = false
  const cancel = () => {
    if (cancelled) return
    cancelled = true
    options.onCancel()
    iterator.return?.()?.catch(() => {})
  }
  const body = new ReadableStream({
    type: 'direct',
    async pull(controller: ReadableStreamDirectController) {
      // Bun sends what was written when the event-loop turn ends (chunks that came in
      // together leave in one packet); a write the client has not taken yet is a promise.
      const send = async (text: string) => {
        lastWrite = performance.now()
        const written = controller.write(text)
        if (typeof written !== 'number') await written
      }
      let lastWrite = performance.now()
      let open = true
      // The keep-alive comes from a timer, so reading a chunk costs no race against it.
      const timer = setInterval(() => {
        if (open && performance.now() - lastWrite >= options.keepAliveMs) void send(KEEP_ALIVE).catch(() => {})
      }, Math.max(1, options.keepAliveMs / 4))
      try {
        for (;;) {
          const next = await iterator.next()
          if (cancelled || next.done) break
          const event = frame(next.value)
          if (event !== null) await send(event)
        }
      } catch (error) {
        if (!cancelled) await send(sseEvent(JSON.stringify({ detail: messageOf(error) }), 'error')).catch(() => {})
      } finally {
        open = false
        clearInterval(timer)
      }
      controller.close()
    },
    cancel,
  })
  return new Response(body, { headers: SSE_HEADERS })
}
