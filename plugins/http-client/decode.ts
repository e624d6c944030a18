// An upstream response → the value of `${response}`:
//   text/event-stream          → a stream of event payloads (data lines joined by "\n")
//   application/json           → the parsed value (one document, even under stream_format)
//   stream_format json / text  → NDJSON values / UTF-8 text, streamed as they arrive
//   other text/*               → a string; anything else → bytes
// Under stream_format json, a payload that is not JSON (`[DONE]`) is skipped.

import type { Stream } from '../../core/stream/operators.ts'
import { linesOf, SKIP, sseEventsOf, textOf } from '../../core/stream/text.ts'

export type StreamFormat = 'json' | 'text' | undefined

export function isEventStream(contentType: string): boolean {
  return contentType.toLowerCase().includes('text/event-stream')
}

/** SSE always streams; other bodies stream under `stream_format`, except one JSON document. */
export function isStreamed(contentType: string, format: StreamFormat): boolean {
  if (isEventStream(contentType)) return true
  const type = contentType.toLowerCase().split(';')[0]!.trim()
  return format !== undefined && type !== 'application/json'
}

export function decodeStream(bytes: Stream<Uint8Array>, contentType: string, format: StreamFormat): Stream {
  if (isEventStream(contentType)) {
    if (format !== 'json') return sseEventsOf(bytes, (event) => event.data)
    return sseEventsOf(bytes, (event) => (event.data.trim() === '' ? SKIP : parseJson(event.data)))
  }
  if (format === 'json') return jsonOnly(linesOf(bytes))
  return textOf(bytes)
}

export async function decodeWhole(bytes: Stream<Uint8Array>, contentType: string): Promise<unknown> {
  const chunks: Uint8Array[] = []
  for await (const chunk of bytes) chunks.push(chunk)
  const all = Buffer.concat(chunks)
  const type = contentType.toLowerCase()
  if (type.includes('json')) {
    const body = all.toString('utf8')
    if (body.trim() === '') return null
    try {
      return JSON.parse(body)
    } catch {
      return body
    }
  }
  if (type.startsWith('text/') || type.includes('xml') || type.includes('javascript')) return all.toString('utf8')
  return new Uint8Array(all)
}

async function* jsonOnly(payloads: Stream<string>): AsyncGenerator<unknown> {
  for await (const payload of payloads) {
    if (payload.trim() === '') continue
    const value = parseJson(payload)
    if (value !== SKIP) yield value
  }
}

/** The parsed value, or SKIP for payloads such as `[DONE]`. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return SKIP
  }
}
