// Server-Sent Events framing. Each chunk is one event: every line of the chunk
// becomes a `data:` line, so an SSE parser joins them back into the chunk.

import { toText } from '../binding/convert.ts'
import { jsonText } from '../http/json-response.ts'

export type SseFormat = 'sse-text' | 'sse-json'

export const KEEP_ALIVE = ': keep-alive\n\n'

/** `x-accel-buffering: no` keeps nginx-style proxies from holding events back. */
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }

export function sseEvent(data: string, event?: string): string {
  const head = event ? `event: ${event}\n` : ''
  // Most chunks are one line: no splitting needed.
  if (!data.includes('\n') && !data.includes('\r')) return `${head}data: ${data}\n\n`
  return `${head}data: ${data.split(/\r\n|\r|\n/).join('\ndata: ')}\n\n`
}

/**
 * The framer of one stream: a chunk → its event, or null when it carries
 * nothing (an empty text chunk). Under sse-text, byte chunks are decoded as
 * UTF-8 across the stream (a character split between two chunks stays whole);
 * under sse-json they are base64 text.
 */
export function sseFramer(format: SseFormat): (chunk: unknown) => string | null {
  if (format === 'sse-json') return (chunk) => sseEvent(jsonText(chunk ?? null))
  let decoder: TextDecoder | undefined
  return (chunk) => {
    const text = chunk instanceof Uint8Array ? (decoder ??= new TextDecoder()).decode(chunk, { stream: true }) : toText(chunk)
    return text === '' ? null : sseEvent(text)
  }
}
