// What reading one wire format of a model's stream comes down to: each parsed
// event adds to the assembled turn and may give a piece of text to pass on at
// once; at the end, the reader says whether the turn was complete.

import { excerptOf } from '../../../core/plugin/api.ts'

export interface WireReader {
  /** Reads one event into the turn; returns the text it added, if any. */
  read(event: Record<string, unknown>): string | undefined
  /** Why the stream ended before the turn did, or undefined when the turn was complete. */
  ended(): string | undefined
}

/** A value as one short line, for messages. */
export function excerptOfValue(value: unknown): string {
  return excerptOf(JSON.stringify(value) ?? String(value))
}

/** What an error object in a stream says (its `message`), as one short line. */
export function errorTextOf(error: unknown): string {
  const message = (error as Record<string, unknown> | undefined)?.message
  return typeof message === 'string' ? excerptOf(message) : excerptOfValue(error)
}
