// One model turn read from a streaming model component: the text tokens as
// they arrive, then the whole assistant message in canonical form (text and
// tool_call blocks), which the agent loop acts on. The wire format, OpenAI's
// chat.completion.chunk deltas or Anthropic's message events, is told from
// the first event. Events may come parsed (http-client `stream_format: json`)
// or as JSON text (an SSE body read with `stream_format` unset: one string per
// event, `[DONE]` included).
//
// A stream that is not one of the two, breaks off before the turn ends, or
// holds more than TurnLimits answers 502. Cancelling `signal` stops reading at
// once and closes the stream (which aborts the upstream request).

import { upstreamFailed } from '../../../core/plugin/api.ts'
import { type AssembledMessage, AssembledTurn, DEFAULT_TURN_LIMITS, type TurnLimits } from './assembled-turn.ts'
import { anthropicEventReader, isAnthropicEvent } from './anthropic-events.ts'
import { isOpenAiChunk, openAiDeltaReader } from './openai-deltas.ts'
import { excerptOfValue, type WireReader } from './wire-reader.ts'

export type TurnEvent = { type: 'text'; text: string } | { type: 'message'; message: AssembledMessage }

export interface TurnOptions {
  /** Who sent the stream, for messages ("model component \"gpt\""). */
  what?: string
  limits?: TurnLimits
}

export async function* readTurn(chunks: AsyncIterable<unknown>, signal: AbortSignal, options: TurnOptions = {}): AsyncGenerator<TurnEvent> {
  const what = options.what ?? "the model's stream"
  const turn = new AssembledTurn(what, options.limits ?? DEFAULT_TURN_LIMITS)
  let reader: WireReader | undefined
  const source = chunks[Symbol.asyncIterator]()
  try {
    for (;;) {
      const next = await untilAborted(source.next(), signal)
      if (next.done) break
      const event = eventOf(next.value, what)
      if (event === undefined) continue
      reader ??= readerFor(event, turn, what)
      const text = reader.read(event)
      if (text !== undefined) yield { type: 'text', text }
    }
  } finally {
    // Early exit (cancelled, failed, or the consumer stopped): closing the stream aborts the request.
    void Promise.resolve(source.return?.()).catch(() => {})
  }
  if (!reader) throw upstreamFailed(`${what} ended without a single event`)
  const missing = reader.ended()
  if (missing) throw upstreamFailed(`${what} ended before the turn did (${missing})`)
  yield { type: 'message', message: turn.message() }
}

function readerFor(event: Record<string, unknown>, turn: AssembledTurn, what: string): WireReader {
  if (isOpenAiChunk(event)) return openAiDeltaReader(turn, what)
  if (isAnthropicEvent(event)) return anthropicEventReader(turn, what)
  if (event.error) return openAiDeltaReader(turn, what) // an error before any chunk: reading it says so
  throw upstreamFailed(`${what} is neither OpenAI chat.completion.chunk deltas nor Anthropic message events: ${excerptOfValue(event)}`)
}

/** A chunk as an event object; undefined for chunks that carry nothing (`[DONE]`, blank). */
function eventOf(chunk: unknown, what: string): Record<string, unknown> | undefined {
  let value = chunk
  if (chunk instanceof Uint8Array) value = new TextDecoder().decode(chunk)
  if (typeof value === 'string') {
    const text = value.trim()
    if (text === '' || text === '[DONE]') return undefined
    try {
      value = JSON.parse(text)
    } catch {
      throw upstreamFailed(`${what} sent an event that is not JSON: ${excerptOfValue(text)} (an http-client model needs stream_format unset or json)`)
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw upstreamFailed(`${what} sent an event that is not a JSON object: ${excerptOfValue(value)}`)
  return value as Record<string, unknown>
}

/** The promise, or the signal's reason as soon as it aborts (a stream that ignores the signal cannot hold the run). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', abort)
        reject(error)
      },
    )
  })
}
