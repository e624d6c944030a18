// Turns a stream of output chunks into an SSE HTTP response: frame each chunk,
// interleave keep-alive comments while nothing comes, pull only as fast as the
// client reads, and cancel the run when the client goes away.

import { messageOf } from '../errors.ts'
import { toReadableStream, withHeartbeat, type Stream } from '../stream/operators.ts'
import { KEEP_ALIVE, SSE_HEADERS, sseEncode, type SseFormat } from '../stream/sse.ts'

export interface SseResponseOptions {
  keepAliveMs: number
  onCancel: () => void
}

export function sseResponse(chunks: Stream, format: SseFormat, options: SseResponseOptions): Response {
  const events = withHeartbeat(sseEncode(chunks, format, messageOf), options.keepAliveMs, KEEP_ALIVE)
  return new Response(toReadableStream(events, options.onCancel), { headers: SSE_HEADERS })
}
