// A byte stream read as Server-Sent Events (parsed by eventsource-parser): an
// upstream's answer, or the controller's own SSE read back by the Web UI.

import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { isOver, type ChunkLimit } from './chunk-limit.ts'
import type { Stream } from './stream.ts'

export const SKIP = Symbol('skip')

export interface SseReadOptions {
  /** The most one event's data may take; the unfinished event held is bounded by it too. */
  limit?: ChunkLimit
  /** The error for a body that ended without one event: its size in bytes and its start as text. */
  noEvent?: (bytes: number, head: string) => Error
}

/**
 * The events of an SSE byte stream, each turned into a chunk by `select` as it
 * is read (SKIP drops one; a throw ends the stream). A plain iterator, not a
 * generator: it sits on the path of every streamed upstream chunk, and takes
 * one promise step per read of the body, none per event already parsed.
 *
 * Unlike the SSE spec (and model-compose), a last event that has data but not
 * its blank line when the body ends is dispatched, not dropped: the body ended
 * cleanly, and losing its last chunk silently is worse than passing it on.
 */
export function sseEventsOf<T>(
  bytes: Stream<Uint8Array>,
  select: (event: EventSourceMessage) => T | typeof SKIP,
  options: SseReadOptions = {},
): AsyncIterableIterator<T> {
  const { limit, noEvent } = options
  const ready: EventSourceMessage[] = []
  let overflow = false
  const parser = createParser({
    onEvent: (event) => ready.push(event),
    // The parser counts what it holds (the unfinished line and event) in UTF-16 units, a `data: ` prefix included.
    ...(limit && { maxBufferSize: limit.bytes + 'data: \r'.length, onError: (error) => (overflow ||= error.type === 'max-buffer-size-exceeded') }),
  })
  const source = bytes[Symbol.asyncIterator]()
  const decoder = new TextDecoder()
  let events = 0
  let read = 0
  let head = '' // the first characters, for the error when no event ever comes
  let bodyEnded = false
  let closed = false

  /** The next chunk already parsed, or what the next read of the body brings. */
  const step = (): IteratorResult<T> | Promise<IteratorResult<T>> => {
    while (ready.length > 0) {
      const event = ready.shift()!
      if (limit && isOver(event.data, limit.bytes)) throw limit.exceeded()
      events++
      const out = select(event)
      if (out !== SKIP) return { done: false, value: out }
    }
    // After the events this read completed: they are whole and within the limit.
    if (overflow) throw limit!.exceeded()
    if (bodyEnded) {
      closed = true
      if (events === 0 && read > 0 && noEvent) throw noEvent(read, head)
      return { done: true, value: undefined }
    }
    return source.next().then(onBytes, onBodyError)
  }
  /** `step`, ending the stream (and letting go of the body) when it throws. */
  const guardedStep = (): IteratorResult<T> | Promise<IteratorResult<T>> => {
    try {
      return step()
    } catch (error) {
      if (!closed) {
        closed = true
        source.return?.()?.catch(() => {})
      }
      throw error
    }
  }
  const onBytes = (result: IteratorResult<Uint8Array>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    if (closed) return { done: true, value: undefined }
    if (result.done) {
      bodyEnded = true
      // A blank line ends whatever event the body left unfinished (see above).
      parser.feed(`${decoder.decode()}\n\n`)
    } else {
      read += result.value.byteLength
      const text = decoder.decode(result.value, { stream: true })
      if (events === 0 && head.length < 200) head += text.slice(0, 200)
      parser.feed(text)
    }
    return guardedStep()
  }
  const onBodyError = (error: unknown): never => {
    closed = true
    throw error
  }
  const self: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => self,
    next: () => {
      if (closed) return Promise.resolve({ done: true, value: undefined })
      try {
        return Promise.resolve(guardedStep())
      } catch (error) {
        return Promise.reject(error)
      }
    },
    return: async (value?: unknown) => {
      if (!closed) {
        closed = true
        await source.return?.()
      }
      return { done: true, value: value as T }
    },
  }
  return self
}
