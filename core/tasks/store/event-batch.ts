// One appendEvents batch as both backends store it: one sqlite row or one Redis
// stream entry per batch, not one per event (a row or an entry costs far more
// than the bytes of a chunk). A batch holds consecutive seqs, so none is
// stored: its events are its first seq's and on. The payload is each event's
// text behind its length — `<data length>:<data>`, or with an SSE event name
// `<data length>|<name length>:<name><data>` — lengths in UTF-16 code units,
// which storing as UTF-8 keeps (an unpaired surrogate becomes U+FFFD, one unit
// too). The events' recorded bytes (retention.ts) are kept beside it as running
// totals, so that trimming the oldest events of a batch reads a few numbers,
// not the payload.

import { HttpError } from '../../errors.ts'
import type { TaskEvent } from './task-store.ts'

/** The payload of events[start..]. */
export function encodeEvents(events: TaskEvent[], start: number): string {
  let payload = ''
  for (let i = start; i < events.length; i++) {
    const { data, event } = events[i]!
    payload += event === undefined ? `${data.length}:${data}` : `${data.length}|${event.length}:${event}${data}`
  }
  return payload
}

/** Appends to `into` the events of a payload whose first seq is `firstSeq` that fall within from..to. */
export function decodeEvents(payload: string, firstSeq: number, from: number, to: number, into: TaskEvent[]): void {
  let at = 0
  for (let seq = firstSeq; seq <= to && at < payload.length; seq++) {
    let dataLength = 0
    let code = payload.charCodeAt(at++)
    for (; code >= 48 && code <= 57; code = payload.charCodeAt(at++)) dataLength = dataLength * 10 + code - 48
    let event: string | undefined
    if (code === 124) {
      let nameLength = 0
      for (code = payload.charCodeAt(at++); code >= 48 && code <= 57; code = payload.charCodeAt(at++)) nameLength = nameLength * 10 + code - 48
      if (seq >= from) event = payload.slice(at, at + nameLength)
      at += nameLength
    }
    if (seq >= from) into.push(event === undefined ? { seq, data: payload.slice(at, at + dataLength) } : { seq, event, data: payload.slice(at, at + dataLength) })
    at += dataLength
  }
}

/**
 * The recorded bytes of events[start..] as a batch keeps them: running totals
 * (the bytes of its events up to and including each), 32-bit little-endian —
 * a batch is far below 4 GiB (sqlite refuses a value above 1 GB).
 */
export function bytesBlob(sizes: number[], start: number): Uint8Array {
  const totals = new Uint32Array(sizes.length - start)
  let total = 0
  for (let i = start; i < sizes.length; i++) totals[i - start] = total += sizes[i]!
  return new Uint8Array(totals.buffer)
}

/** The recorded bytes of a batch's events before its `index`th. */
export function bytesBefore(blob: Uint8Array, index: number): number {
  return index <= 0 ? 0 : new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32((index - 1) * 4, true)
}

/** The same running totals as text for a Lua script to index: 8 hex digits each. */
export function bytesHex(sizes: number[], start: number): string {
  let hex = ''
  let total = 0
  for (let i = start; i < sizes.length; i++) hex += (total += sizes[i]!).toString(16).padStart(8, '0')
  return hex
}

/** What a reader of a task recorded with MC_TASK_STREAM_BYTES=0 gets: its stream cannot be attached or resumed. */
export function notRecorded(id: string): HttpError {
  return new HttpError(410, `task "${id}": its stream is not recorded, so it cannot be attached or resumed (recording is off: MC_TASK_STREAM_BYTES=0)`)
}
