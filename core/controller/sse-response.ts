// Turns a stream of output chunks into an SSE HTTP response. The body is a
// Bun "direct" stream written straight to the socket: each chunk is framed the
// moment it exists and sent within the same event-loop turn (chunks that came
// in together leave in one write). A write the client has not taken yet holds
// the source back (back-pressure). While no chunk comes for `keepAliveMs`, a
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
/** Text gathered beyond this is written at once rather than at the end of the turn. */
const BATCH_CHARS = 16 * 1024

/** Batches text into socket writes: at the end of each event-loop turn, or when it grows large. */
class BatchedWriter {
  private text = ''
  private scheduled = false
  private writing: Promise<unknown> | undefined
  closed = false

  constructor(private readonly controller: ReadableStreamDirectController) {}

  async send(text: string): Promise<void> {
    if (this.writing) await this.writing // the client has not taken the last batch yet
    this.text += text
    if (this.text.length >= BATCH_CHARS) await this.flush()
    else if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => void this.flush().catch(() => {}))
    }
  }

  async flush(): Promise<void> {
    this.scheduled = false
    if (this.writing) await this.writing
    if (this.closed || !this.text) return
    const text = this.text
    this.text = ''
    const written = this.controller.write(text)
    if (typeof written !== 'number') {
      this.writing = written
      await written
      this.writing = undefined
    }
    if (!this.closed) this.controller.flush()
  }

  async close(): Promise<void> {
    await this.flush().catch(() => {})
    this.closed = true
    this.controller.close()
  }
}

export function sseResponse(chunks: Stream, format: SseFormat, options: SseResponseOptions): Response {
  const iterator = chunks[Symbol.asyncIterator]()
  let cancelled = false
  let writer: BatchedWriter | undefined
  const cancel = () => {
    if (cancelled) return
    cancelled = true
    if (writer) writer.closed = true
    options.onCancel()
    iterator.return?.()?.catch(() => {})
  }
  const body = new ReadableStream({
    type: 'direct',
    async pull(controller: ReadableStreamDirectController) {
      const out = (writer = new BatchedWriter(controller))
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
            await out.send(KEEP_ALIVE)
            continue
          }
          pending = undefined
          if (next.done) break
          const event = sseChunk(next.value, format)
          if (event !== null) await out.send(event)
        }
      } catch (error) {
        if (!cancelled) await out.send(sseEvent(JSON.stringify({ detail: messageOf(error) }), 'error')).catch(() => {})
      } finally {
        clearInterval(timer)
      }
      await out.close()
    },
    cancel,
  })
  return new Response(body, { headers: SSE_HEADERS })
}
