// A byte stream read as lines (the output of managed processes, NDJSON).

import { isOver, type ChunkLimit } from './chunk-limit.ts'
import type { Stream } from './stream.ts'
import { textOf } from './text-of.ts'

/** Lines, without their `\n` or `\r\n`; a last line without one counts too. */
export async function* linesOf(bytes: Stream<Uint8Array>, limit?: ChunkLimit): AsyncGenerator<string> {
  let pending = '' // the start of a line whose end has not come yet
  for await (const piece of textOf(bytes)) {
    let start = 0
    let at: number
    // Only the new piece is searched: a long line is scanned once, not once per read.
    while ((at = piece.indexOf('\n', start)) >= 0) {
      let line = pending + piece.slice(start, at)
      pending = ''
      if (line.endsWith('\r')) line = line.slice(0, -1)
      if (limit && isOver(line, limit.bytes)) throw limit.exceeded()
      yield line
      start = at + 1
    }
    pending += start === 0 ? piece : piece.slice(start)
    // Text takes at least as many bytes as it has UTF-16 units: past the limit already.
    if (limit && pending.length > limit.bytes + (pending.endsWith('\r') ? 1 : 0)) throw limit.exceeded()
  }
  const last = pending.endsWith('\r') ? pending.slice(0, -1) : pending
  if (limit && isOver(last, limit.bytes)) throw limit.exceeded()
  if (pending) yield last
}
