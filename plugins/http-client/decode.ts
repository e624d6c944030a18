// An upstream response → the value of `${response}`:
//   text/event-stream          → a stream of event payloads (data lines joined by "\n"),
//                                whole messages unless stream_format says text or json
//   application/json           → the parsed value (one document, even under stream_format)
//   stream_format json / text  → NDJSON values / UTF-8 text, streamed as they arrive
//   other text/*               → a string; anything else → bytes
// Under stream_format json, a payload that is not JSON (`[DONE]`) is skipped.
// An SSE event or NDJSON line over MC_MAX_CHUNK_BYTES, a body read whole over
// MC_MAX_RESPONSE_BYTES, and an SSE body without a single event are errors.

import { type BodyLimits, bodyTooLarge, type ChunkLimit, chunkTooLarge, collectBytes, excerptOf, linesOf, markMessages, mediaType, SKIP, sseEventsOf, type SseReadOptions, type Stream, textOf, upstreamFailed } from '../../core/plugin/api.ts'

export type StreamFormat = 'json' | 'text' | undefined

/** Whose body it is (for messages) and how much of it may be held. */
export interface BodySource {
  what: string
  limits: BodyLimits
}

function isEventStream(contentType: string): boolean {
  return contentType.toLowerCase().includes('text/event-stream')
}

/** SSE always streams; other bodies stream under `stream_format`, except one JSON document. */
export function isStreamed(contentType: string, format: StreamFormat): boolean {
  if (isEventStream(contentType)) return true
  return format !== undefined && mediaType(contentType) !== 'application/json'
}

export function decodeStream(bytes: Stream<Uint8Array>, contentType: string, format: StreamFormat, { what, limits }: BodySource): Stream {
  const limit = (kind: string): ChunkLimit => ({ bytes: limits.maxChunkBytes, exceeded: () => chunkTooLarge(what, kind, limits.maxChunkBytes) })
  if (isEventStream(contentType)) {
    const options: SseReadOptions = {
      limit: limit('an SSE event'),
      noEvent: (count, head) => {
        const excerpt = excerptOf(head)
        return upstreamFailed(`${what} sent ${count} bytes of text/event-stream but no event${excerpt ? `: ${excerpt}` : ''}`)
      },
    }
    if (format === 'json') return sseEventsOf(bytes, (event) => (event.data.trim() === '' ? SKIP : parseJson(event.data)), options)
    const payloads = sseEventsOf(bytes, (event) => event.data, options)
    // Unset, as model-compose reads SSE: each event is one message, which `mc run` and a drain keep apart.
    return format === undefined ? markMessages(payloads) : payloads
  }
  if (format === 'json') return jsonOnly(linesOf(bytes, limit('a line')))
  return textOf(bytes)
}

export async function decodeWhole(bytes: Stream<Uint8Array>, contentType: string, { what, limits }: BodySource): Promise<unknown> {
  const all = await collectBytes(bytes, limits.maxResponseBytes, () => bodyTooLarge(what, limits.maxResponseBytes))
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
  // OpenAI's last event, once per stream: skipped without the cost of a thrown SyntaxError.
  if (text === '[DONE]') return SKIP
  try {
    return JSON.parse(text)
  } catch {
    return SKIP
  }
}
