// Writes an SSE body straight to the socket and keeps it alive: while nothing
// is written for `keepAliveMs`, a keep-alive comment goes out — the first one
// within FIRST_KEEP_ALIVE_MS when the first event is slow to come, so a proxy
// sees the headers and a first byte. The comments come from timers, so reading
// an event costs no race against them.

import { FIRST_KEEP_ALIVE_MS, KEEP_ALIVE } from './sse.ts'

export interface KeptAliveWriter {
  /** Writes at once; a promise when the client has not taken the last write yet (back-pressure). */
  send(text: string): number | Promise<number>
  /** Stops the keep-alives (the body ends). */
  stop(): void
}

export function keptAliveWriter(controller: ReadableStreamDirectController, keepAliveMs: number): KeptAliveWriter {
  const opened = performance.now()
  let lastWrite = opened
  let open = true
  // Not async: most writes are taken at once, and this runs for every event.
  const send = (text: string): number | Promise<number> => {
    lastWrite = performance.now()
    return controller.write(text)
  }
  const keepAlive = () => {
    if (!open) return
    try {
      const written = send(KEEP_ALIVE)
      if (typeof written !== 'number') written.catch(() => {})
    } catch {
      // the client is gone: the writer's reader finds out
    }
  }
  const timer = setInterval(() => {
    if (performance.now() - lastWrite >= keepAliveMs) keepAlive()
  }, Math.max(1, keepAliveMs / 4))
  // Nothing written yet when it fires: the first event is slow to come (a model loading, thinking).
  const firstTimer = setTimeout(() => {
    if (lastWrite === opened) keepAlive()
  }, Math.min(FIRST_KEEP_ALIVE_MS, keepAliveMs))
  return {
    send,
    stop() {
      open = false
      clearInterval(timer)
      clearTimeout(firstTimer)
    },
  }
}
