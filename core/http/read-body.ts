// Reads a request body with a cap on its size, enforced while reading (a
// declared Content-Length over the cap is refused before a byte is read), and a
// deadline for the whole body, so a client that drips bytes cannot hold a
// request open forever. Each piece can be inspected as it arrives (`onPiece`),
// which lets a parser refuse a hostile body before it is all in.

import { HttpError } from '../errors.ts'
import type { BytesHold } from '../byte-budget.ts'

export interface BodyReadLimits {
  /** Largest body accepted, in bytes. */
  maxBytes: number
  /** Longest time the whole body may take to arrive. */
  timeoutMs: number
  /** Where its bytes are counted against the cap on all bodies held at once (MC_MAX_BODIES_IN_FLIGHT_BYTES). */
  share?: BytesHold
}

const tooLarge = (maxBytes: number) => new HttpError(413, `request body is larger than ${maxBytes} bytes (the limit; MC_MAX_BODY_BYTES sets it)`)

export async function readBodyBytes(request: Request, limits: BodyReadLimits, onPiece?: (piece: Uint8Array) => void): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes)
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const pieces: Uint8Array[] = []
  let size = 0
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    void reader.cancel().catch(() => {})
  }, limits.timeoutMs)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (timedOut) break
      if (done) break
      size += value.byteLength
      if (size > limits.maxBytes) throw tooLarge(limits.maxBytes)
      limits.share?.take(value.byteLength)
      onPiece?.(value)
      pieces.push(value)
    }
  } catch (error) {
    void reader.cancel().catch(() => {})
    if (error instanceof HttpError) throw error
    if (!timedOut) throw new HttpError(400, `request body could not be read: ${(error as Error).message}`)
  } finally {
    clearTimeout(timer)
  }
  if (timedOut) throw new HttpError(408, `request body did not arrive within ${limits.timeoutMs / 1000} s`)
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)
}
