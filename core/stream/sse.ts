// Server-Sent Events framing. Each chunk is one event: every line of the chunk
// becomes a `data:` line, so an SSE parser joins them back into the chunk.

import { toText } from '../binding/convert.ts'

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

/** One chunk as an event, or null when it carries nothing (an empty text chunk). */
export function sseChunk(chunk: unknown, format: SseFormat): string | null {
  if (format === 'sse-json') return sseEvent(JSON.stringify(chunk ?? null))
  const text = toText(chunk)
  return text === '' ? null : sseEvent(text)
}
