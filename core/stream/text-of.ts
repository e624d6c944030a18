// A byte stream read as UTF-8 text, piece by piece.

import type { Stream } from './stream.ts'

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
