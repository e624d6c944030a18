// Server-Sent Events framing. Each chunk is one event: every line of the chunk
// becomes a `data:` line, so an SSE parser joins them back into the chunk. An
// event may carry an `id:` (a client that reconnects sends the last one back
// as `Last-Event-ID`); clients that read only `data:` lines never see it.

import { toText } from '../binding/convert.ts'
import { jsonText } from './json-response.ts'

export type SseFormat = 'sse-text' | 'sse-json'

export const KEEP_ALIVE = ': keep-alive\n\n'

/**
 * How soon a keep-alive goes out when a stream's first event is slow to come:
 * a proxy then has the headers and a first byte, and does not time the
 * response out or hold it back while the model thinks.
 */
export const FIRST_KEEP_ALIVE_MS = 1000

/**
 * What a reverse proxy needs not to buffer an event stream: `x-accel-buffering: no`
 * (nginx, and proxies that copy it) passes each event on as it comes;
 * `no-transform` asks intermediaries not to compress it (mc never does).
 */
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' }

export function sseEvent(data: string, event?: string, id?: string): string {
  // Most chunks are one line: no splitting needed. One template per shape: this runs for every chunk.
  const lines = !data.includes('\n') && !data.includes('\r') ? data : data.split(/\r\n|\r|\n/).join('\ndata: ')
  if (id === undefined) return event ? `event: ${event}\ndata: ${lines}\n\n` : `data: ${lines}\n\n`
  return event ? `id: ${id}\nevent: ${event}\ndata: ${lines}\n\n` : `id: ${id}\ndata: ${lines}\n\n`
}

/**
 * What one stream's chunks say as event data: a chunk → its data, or null when
 * it carries nothing (an empty text chunk). Under sse-text, byte chunks are
 * decoded as UTF-8 across the stream (a character split between two chunks
 * stays whole); under sse-json they are base64 text.
 */
export function sseDataOf(format: SseFormat): (chunk: unknown) => string | null {
  if (format === 'sse-json') return (chunk) => jsonText(chunk ?? null)
  let decoder: TextDecoder | undefined
  return (chunk) => {
    const text = chunk instanceof Uint8Array ? (decoder ??= new TextDecoder()).decode(chunk, { stream: true }) : toText(chunk)
    return text === '' ? null : text
  }
}
