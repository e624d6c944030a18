// Turns a stream of output chunks into an SSE HTTP response. The body is a
// Bun "direct" stream written straight to the socket: each chunk is framed and
// written the moment it exists. A write the client has not taken yet holds the
// source back (back-pressure). While no chunk comes for `keepAliveMs`, a
// keep-alive comment goes out. A failure after the stream began becomes an
// `error` event. When the client goes away the run is cancelled.

import { messageOf } from '../errors.ts'
import type { Stream } from '../stream/operators.ts'
import { KEEP_ALIVE, SSE_HEADERS, sseChunk, sseEvent, type SseFormat } from '../stream/sse.ts'

export interface SseResponseOptions {
  keepAliveMs: number
  onCancel: () => void
}

const SILENCE = Symbol('silence')

export function sseResponse(chunks: Stream, format: SseFormat, options: SseResponseOptions): Response {
  const iterator = chunks[Symbol.asyncIterator]()
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
        const written = controller.write(text)
        if (typeof written !== 'number') await written
      }
      let lastActivity = performance.now()
      let wake: (() => void) | undefined
      const timer = setInterval(() => {
        if (performance.now() - lastActivity >= options.keepAliveMs) wake?.()
      }, Math.max(1, options.keepAliveMs / 4))
      let pending: Promise<IteratorResult<unknown>> | undefined
      try {
        for (;;) {
          const read = (pending ??= iterator.next())
          // A fresh promise per wait, not Promise.race on a long-lived one (which keeps a reaction per chunk).
          const next = await new Promise<IteratorResult<unknown> | typeof SILENCE>((resolve, reject) => {
            wake = () => resolve(SILENCE)
            read.then(resolve, reject)
          })
          wake = undefined
          lastActivity = performance.now()
          if (cancelled) break
          if (next === SILENCE) {
            await send(KEEP_ALIVE)
            continue
          }
          pending = undefined
          if (next.done) break
          const event = sseChunk(next.value, format)
          if (event !== null) await send(event)
        }
      } catch (error) {
        if (!cancelled) await send(sseEvent(JSON.stringify({ detail: messageOf(error) }), 'error')).catch(() => {})
      } finally {
        clearInterval(timer)
      }
      controller.close()
    },
    cancel,
  })
  return new Response(body, { headers: SSE_HEADERS })
}
