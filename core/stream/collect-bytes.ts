// A byte stream read whole, with a cap enforced while reading: past `max`
// bytes the read stops (the source is cancelled) and `tooMuch()` is thrown.

import { Buffer } from 'node:buffer'
import type { Stream } from './stream.ts'

export async function collectBytes(source: Stream<Uint8Array>, max: number, tooMuch: () => Error): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of source) {
    size += chunk.byteLength
    if (size > max) throw tooMuch()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
