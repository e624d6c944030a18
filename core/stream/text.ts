// Byte streams read as text: UTF-8 pieces, lines, and Server-Sent Events
// (parsed by eventsource-parser). Used for upstream answers, the controller's
// own SSE read back by the Web UI, and the output of managed processes.

import { createParser, type EventSourceMessage } from 'eventsource-parser'
import type { Stream } from './operators.ts'

/** UTF-8 text; a character split between two reads is held until it is whole. */
export async function* textOf(bytes: Stream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  for await (const chunk of bytes) {
    const piece = decoder.decode(chunk, { stream: true })
    if (piece) yield piece
  }
  const rest = decoder.decode()
  if (rest) yield rest
}

/** Lines, without their `\n` or `\r\n`; a last line without one counts too. */
export async function* linesOf(bytes: Stream<Uint8Array>): AsyncGenerator<string> {
  let pending = ''
  for await (const piece of textOf(bytes)) {
    pending += piece
    let at: number
    while ((at = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, at).replace(/\r$/, '')
      pending = pending.slice(at + 1)
    }
  }
  if (pending) yield pending.replace(/\r$/, '')
}

export const SKIP = Symbol('skip')

/**
 * The events of an SSE byte stream, each turned into a chunk by `select` as it
 * is read (SKIP drops one; a throw ends the stream). One step per event: this
 * sits on the path of every streamed upstream chunk.
 */
export async function* sseEventsOf<T>(bytes: Stream<Uint8Array>, select: (event: EventSourceMessage) => T | typeof SKIP): AsyncGenerator<T> {
  const ready: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (event) => ready.push(event) })
  for await (const piece of textOf(bytes)) {
    parser.feed(piece)
    while (ready.length > 0) {
      const chunk = select(ready.shift()!)
      if (chunk !== SKIP) yield chunk
    }
  }
}
