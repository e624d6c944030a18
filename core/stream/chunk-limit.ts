// A bound on one chunk read from a byte stream (a line, an SSE event's data):
// readers hold at most about that much of an unfinished chunk, and throw
// rather than grow past it.

import { Buffer } from 'node:buffer'

/** The most bytes one chunk (a line, an event's data) may take, and the error thrown past it. */
export interface ChunkLimit {
  bytes: number
  exceeded: () => Error
}

/**
 * Whether text takes more than `max` bytes as UTF-8. Checked on every chunk, so
 * the byte count is only taken when the length alone cannot tell: a UTF-16 unit
 * is 1 to 3 bytes.
 */
export function isOver(text: string, max: number): boolean {
  return text.length > max || (text.length * 3 > max && Buffer.byteLength(text) > max)
}
