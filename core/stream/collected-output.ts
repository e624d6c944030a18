// A stream's chunks gathered into one value as they pass (a background run's
// output, a drained stream): strings concatenated, other chunks (and whole
// messages) listed, within a bound.

import { isMessageStream } from './framing.ts'
import type { Stream } from './stream.ts'

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
  const encoded = Buffer.from(text)
  let end = Math.min(bytes, encoded.length)
  while (end > 0 && end < encoded.length && (encoded[end]! & 0xc0) === 0x80) end--
  return encoded.subarray(0, end).toString('utf8')
}
