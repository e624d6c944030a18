// Server-Sent Events framing. Each chunk is one event: every line of the chunk
// becomes a `data:` line, so an SSE parser joins them back into the chunk.

import { toText } from '../binding/convert.ts'
import type { Stream } from './operators.ts'

export type SseFormat = 'sse-text' | 'sse-json'

export const KEEP_ALIVE = ': keep-alive\n\n'

/** `x-accel-buffering: no` keeps nginx-style proxies from holding events back. */
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }

export function sseEvent(data: string, event?: string): string {
  let out = event ? `event: ${event}\n` : ''
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return `${out}\n`
}

/** One chunk as an event, or null when it carries nothing (an empty text chunk). */
export function sseChunk(chunk: unknown, format: SseFormat): string | null {
  if (format === 'sse-json') return sseEvent(JSON.stringify(chunk ?? null))
  const text = toText(chunk)
  return text === '' ? null : sseEvent(text)
}

/**
 * Frames a stream of chunks as SSE. A failure after the stream began is sent
 * as an `error` event carrying `{"detail": ...}`, and the stream ends.
 */
export async function* sseEncode(source: Stream, format: SseFormat, describeError: (error: unknown) => string): AsyncGenerator<string> {
  try {
    for await (const chunk of source) {
      const event = sseChunk(chunk, format)
      if (event !== null) yield event
    }
  } catch (error) {
    yield sseEvent(JSON.stringify({ detail: describeError(error) }), 'error')
  }
}
