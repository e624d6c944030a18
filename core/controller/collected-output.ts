// The value a background run's stream is kept as, built chunk by chunk while
// the run streams on its own: the same value drain() (core/stream/operators.ts)
// reads a stream into — strings concatenated, other chunks (and messages) listed.

import { isMessageStream, type Stream } from '../stream/operators.ts'

export interface CollectedOutput {
  add(chunk: unknown): void
  value(): unknown
}

export function collectedOutput(source: Stream): CollectedOutput {
  const chunks: unknown[] = []
  let text = ''
  let allText = !isMessageStream(source)
  return {
    add(chunk) {
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
  }
}
