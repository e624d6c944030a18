// A streamed output's chunks as Redis Stream entries: {event: "chunk", data},
// then {event: "done"} or {event: "error", data: message}. model-compose writes
// a text chunk as it is and anything else as JSON, and its reader parses
// `data` as JSON when it can — so the text " 42" would come back as the
// number 42, its space gone. mc's worker adds `kind` (text, json, bytes) and
// mc's reader trusts it; without it (a model-compose worker) mc reads as
// model-compose does. mc's worker also numbers its chunks (`seq`, from 1) and
// keeps only the last STREAM_MAX_ENTRIES of a stream (XADD MAXLEN ~): a reader
// that fell that far behind finds a gap in the numbers and fails, instead of
// missing chunks without a word.

import { jsonText } from '../http/json-response.ts'

/** Entries a worker's stream keeps (about: trimming is by whole blocks of entries). */
export const STREAM_MAX_ENTRIES = 10_000

export type StreamEntry = { event: 'chunk'; chunk: unknown; seq?: number } | { event: 'done' } | { event: 'error'; message: string }

/** XADD's field/value arguments for a stream's `seq`-th chunk (from 1). */
export function chunkFields(chunk: unknown, seq: number): string[] {
  const numbered = ['seq', String(seq)]
  if (typeof chunk === 'string') return ['event', 'chunk', 'data', chunk, 'kind', 'text', ...numbered]
  if (chunk instanceof Uint8Array) return ['event', 'chunk', 'data', Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64'), 'kind', 'bytes', ...numbered]
  return ['event', 'chunk', 'data', jsonText(chunk ?? null), 'kind', 'json', ...numbered]
}

export const DONE_FIELDS = ['event', 'done']

export function errorFields(message: string): string[] {
  return ['event', 'error', 'data', message]
}

/** One entry's fields (a flat [field, value, …] list, as XREAD gives them) → what it says. */
export function entryOf(flat: string[]): StreamEntry | undefined {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
  const data = fields.data ?? ''
  switch (fields.event) {
    case 'chunk':
      return { event: 'chunk', chunk: chunkOf(data, fields.kind), ...(fields.seq === undefined ? {} : { seq: Number(fields.seq) }) }
    case 'done':
      return { event: 'done' }
    case 'error':
      return { event: 'error', message: fields.data ?? 'Unknown streaming error' }
  }
  // An entry of another event carries nothing (model-compose's reader would pass on a None).
  return undefined
}

function chunkOf(data: string, kind: string | undefined): unknown {
  if (kind === 'text') return data
  if (kind === 'bytes') return new Uint8Array(Buffer.from(data, 'base64'))
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}
