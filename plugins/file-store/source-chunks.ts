// What `put` may write: text (as UTF-8), bytes (an uploaded file), or a stream
// of either, read chunk by chunk, so a large upload is never held whole.

import { invalidInput, isStream } from '../../core/plugin/api.ts'

const encoder = new TextEncoder()

function bytesOf(chunk: unknown, where: string): Uint8Array {
  if (typeof chunk === 'string') return encoder.encode(chunk)
  if (chunk instanceof Uint8Array) return chunk
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk)
  throw invalidInput(`${where}: expected text, bytes or a stream of them, got ${chunk === null ? 'null' : Array.isArray(chunk) ? 'a list' : typeof chunk}`)
}

export async function* chunksOf(source: unknown, where: string): AsyncGenerator<Uint8Array> {
  if (source === undefined || source === null) throw invalidInput(`${where}: missing (the text or bytes to store)`)
  if (!isStream(source)) {
    yield bytesOf(source, where)
    return
  }
  for await (const chunk of source as AsyncIterable<unknown>) yield bytesOf(chunk, where)
}
