// Reads a response body as byte chunks, one network read at a time. Waiting
// longer than `idleMs` for the next read fails the stream with a 504; ending
// early (the consumer stops) cancels the body, which closes the connection.

import { upstreamTimedOut } from '../../core/errors.ts'

export async function* readBody(body: ReadableStream<Uint8Array> | null, idleMs: number, what: string): AsyncGenerator<Uint8Array> {
  if (!body) return
  const reader = body.getReader()
  let done = false
  // One watchdog per body rather than a timer per read: reads are many and small.
  let lastRead = 0
  let stall: ((error: Error) => void) | undefined
  const watchdog = setInterval(() => {
    if (performance.now() - lastRead >= idleMs) stall?.(upstreamTimedOut(`${what} sent nothing for ${idleMs / 1000}s`))
  }, Math.min(Math.max(idleMs / 4, 1), 1000))
  try {
    for (;;) {
      lastRead = performance.now() // the wait starts now, however long the consumer took
      const next = await new Promise<Awaited<ReturnType<typeof reader.read>>>((resolve, reject) => {
        stall = reject
        reader.read().then(resolve, reject)
      })
      if (next.done) {
        done = true
        return
      }
      if (next.value.byteLength > 0) yield next.value
    }
  } finally {
    clearInterval(watchdog)
    if (!done) reader.cancel().catch(() => {})
  }
}
