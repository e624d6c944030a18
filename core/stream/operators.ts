// Small operators over async iterables: the pipes a chunk travels through from
// a component to the client. Each pulls one chunk at a time from its source, so
// a slow consumer slows the producer (back-pressure) and nothing is buffered
// beyond the chunk in hand. Ending a consumer early (`return()`) ends its source.
// Operators applied one over another fuse into one step per chunk (chain.ts).

import { Chain } from './chain.ts'

export type Stream<T = unknown> = AsyncIterable<T>

export function isStream(value: unknown): value is Stream {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  )
}

/**
 * A stream whose chunks are whole messages (the events of an upstream SSE
 * body), not pieces of one longer text: `mc run` writes one per line and
 * draining lists them instead of gluing them together. Wrappers that keep the
 * chunks whole (onSettled, a per-chunk type conversion) keep the mark.
 */
const MESSAGES = Symbol.for('mc.stream.messages')

export function markMessages<S extends Stream>(stream: S): S {
  ;(stream as Record<symbol, unknown>)[MESSAGES] = true
  return stream
}

export function isMessageStream(value: unknown): boolean {
  return isStream(value) && (value as unknown as Record<symbol, unknown>)[MESSAGES] === true
}

/** Gives `derived` the mark of `source`, when it has one. */
export function keepFraming<S extends Stream>(source: Stream, derived: S): S {
  return isMessageStream(source) ? markMessages(derived) : derived
}

/** Maps each chunk; chunks mapping to null or undefined are dropped (role-only deltas, pings, ...). */
export function mapDefined<T, U>(source: Stream<T>, fn: (chunk: T) => U | null | undefined): AsyncIterableIterator<U> {
  return Chain.over<U>(source, { map: fn as (chunk: unknown) => unknown })
}

/**
 * Calls `fn` once when the stream ends: with the error when it failed, with
 * nothing when it finished or its consumer abandoned it.
 */
export function onSettled<T>(source: Stream<T>, fn: (error?: unknown) => void): AsyncIterableIterator<T> {
  return keepFraming(source, Chain.over<T>(source, { settled: fn }))
}

/**
 * A stream's chunks gathered, as they pass, into one value: strings
 * concatenated, other chunks (and messages) listed. At most `maxBytes` are kept
 * (UTF-8 text, JSON for other chunks): past it the rest passes uncollected and
 * `truncated` says so, so a never-ending stream never grows one value without end.
 */
export interface CollectedOutput {
  add(chunk: unknown): void
  value(): unknown
  readonly truncated: boolean
}

export function collectedOutput(source: Stream, maxBytes: number = Number.POSITIVE_INFINITY): CollectedOutput {
  const chunks: unknown[] = []
  let text = ''
  let allText = !isMessageStream(source)
  let bytes = 0
  let truncated = false
  return {
    add(chunk) {
      if (truncated) return
      const size = chunkBytes(chunk)
      if (bytes + size > maxBytes) {
        truncated = true
        // The part of a text that fits, cut on a character boundary.
        if (allText && typeof chunk === 'string') text += textPrefix(chunk, maxBytes - bytes)
        return
      }
      bytes += size
      if (allText && typeof chunk === 'string') text += chunk
      else {
        if (allText) {
          allText = false
          if (text) chunks.push(text)
        }
        chunks.push(chunk)
      }
    },
    value: () => (allText ? text : chunks),
    get truncated() {
      return truncated
    },
  }
}

function chunkBytes(chunk: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk)
  if (chunk instanceof Uint8Array) return chunk.byteLength
  return Buffer.byteLength(JSON.stringify(chunk) ?? '')
}

/** The longest start of `text` whose UTF-8 form fits in `bytes`, never splitting a character. */
function textPrefix(text: string, bytes: number): string {
  if (bytes <= 0) return ''
  const encoded = Buffer.from(text).subarray(0, bytes)
  const decoded = encoded.toString('utf8')
  // A cut character decodes as U+FFFD at the end: drop it.
  return decoded.endsWith('\uFFFD') && !text.startsWith(decoded) ? decoded.slice(0, -1) : decoded
}

/** Reads a whole stream into one value, as collectedOutput gathers it. */
export async function drain(source: Stream): Promise<unknown> {
  const collected = collectedOutput(source)
  for await (const chunk of source) collected.add(chunk)
  return collected.value()
}

/** Drains the value when it is a stream; returns other values as they are. */
export async function settle(value: unknown): Promise<unknown> {
  return isStream(value) ? drain(value) : value
}
