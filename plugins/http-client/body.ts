// Reads a response body as byte chunks, one network read at a time. Waiting
// longer than `idleMs` for the next read fails the stream with a 504; ending
// early (the consumer stops) cancels the body, which closes the connection.

import { upstreamTimedOut } from '../../core/errors.ts'

export async function* readBody(body: ReadableStream<Uint8Array> | null, idleMs: number, what: string): AsyncGenerator<Uint8Array> {
  if (!body) return
  const reader = body.getReader()
  let done = false
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(upstreamTimedOut(`${what} sent nothing for ${idleMs / 1000}s`)), idleMs)
      })
      try {
        const next = await Promise.race([reader.read(), stalled])
        if (next.done) {
          done = true
          return
        }
        if (next.value.byteLength > 0) yield next.value
      } finally {
        clearTimeout(timer)
      }
    }
  } finally {
    if (!done) reader.cancel().catch(() => {})
  }
}
