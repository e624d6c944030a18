// How a stream's chunks are to be read: as pieces of one longer text (the
// default: tokens), or as whole messages (the events of an upstream SSE body),
// which `mc run` writes one per line and draining lists instead of gluing
// together. The framing travels with the stream: operators built on Chain
// (mapDefined, onSettled) carry their source's, and one that changes what a
// chunk is must say so (mapDefined's `framing`); a hand-written iterator over
// another stream passes it on with `keepFraming`.

import type { Stream } from './stream.ts'

export type Framing = 'pieces' | 'messages'

const MESSAGES = Symbol.for('mc.stream.messages')

/** Marks the stream's chunks as whole messages. */
export function markMessages<S extends Stream>(stream: S): S {
  ;(stream as Record<symbol, unknown>)[MESSAGES] = true
  return stream
}

export function framingOf(stream: Stream): Framing {
  return (stream as unknown as Record<symbol, unknown>)[MESSAGES] === true ? 'messages' : 'pieces'
}

export function isMessageStream(value: unknown): boolean {
  return typeof value === 'object' && value !== null && framingOf(value as Stream) === 'messages'
}

/** Gives `derived` the framing of `source`. */
export function keepFraming<S extends Stream>(source: Stream, derived: S): S {
  return framingOf(source) === 'messages' ? markMessages(derived) : derived
}
