// An upstream response → the value of `${response}`:
//   text/event-stream          → a stream of event payloads (data lines joined by "\n")
//   application/json           → the parsed value (one document, even under stream_format)
//   stream_format json / text  → NDJSON values / UTF-8 text, streamed as they arrive
//   other text/*               → a string; anything else → bytes
// Under stream_format json, a payload that is not JSON (`[DONE]`) is skipped.

import { createParser } from 'eventsource-parser'
import type { Stream } from '../../core/stream/operators.ts'

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
  if (isEventStream(contentType)) return sseData(bytes, format === 'json')
  if (format === 'json') return jsonOnly(lines(bytes))
  return text(bytes)
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

/** UTF-8 text; a character split between two reads is held until it is whole. */
async function* text(bytes: Stream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  for await (const chunk of bytes) {
    const piece = decoder.decode(chunk, { stream: true })
    if (piece) yield piece
  }
  const rest = decoder.decode()
  if (rest) yield rest
}

async function* lines(bytes: Stream<Uint8Array>): AsyncGenerator<string> {
  let pending = ''
  for await (const piece of text(bytes)) {
    pending += piece
    let at: number
    while ((at = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, at).replace(/\r$/, '')
      pending = pending.slice(at + 1)
    }
  }
  if (pending) yield pending.replace(/\r$/, '')
}

/** The data of each SSE event (parsed by eventsource-parser), as JSON values when `json`. */
async function* sseData(bytes: Stream<Uint8Array>, json: boolean): AsyncGenerator<unknown> {
  const ready: unknown[] = []
  const parser = createParser({
    onEvent: (event) => {
      if (!json) ready.push(event.data)
      else if (event.data.trim() !== '') {
        const value = parseJson(event.data)
        if (value !== NOT_JSON) ready.push(value)
      }
    },
  })
  for await (const piece of text(bytes)) {
    parser.feed(piece)
    while (ready.length > 0) yield ready.shift()!
  }
}

async function* jsonOnly(payloads: Stream<string>): AsyncGenerator<unknown> {
  for await (const payload of payloads) {
    if (payload.trim() === '') continue
    const value = parseJson(payload)
    if (value !== NOT_JSON) yield value
  }
}

const NOT_JSON = Symbol('not JSON')

/** The parsed value, or NOT_JSON for payloads such as `[DONE]`. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}
