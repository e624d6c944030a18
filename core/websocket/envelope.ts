// model-compose's WebSocket message envelope: `{type, id?, data}` both ways;
// mc's messages also carry a `timestamp` (ISO 8601 UTC), as model-compose's
// do. A client's message that is not one answers an `error` message with
// code INVALID_REQUEST naming the field; `id` is echoed in every answer.

import { HttpError, messageOf } from '../errors.ts'
import { jsonText } from '../http/json-response.ts'

/** model-compose's error codes, and mc's BUSY (a limit reached: try again later). */
export type ErrorCode = 'INVALID_REQUEST' | 'WORKFLOW_NOT_FOUND' | 'TASK_NOT_FOUND' | 'TASK_NOT_INTERRUPTED' | 'JOB_ID_MISMATCH' | 'INTERNAL_ERROR' | 'BUSY'

export interface ClientMessage {
  type: string
  id?: string
  data: Record<string, unknown>
}

/** A request that cannot be done: its `error` message. */
export class SocketError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The `id` of the message it answers, when the message was readable that far. */
    readonly id?: string,
  ) {
    super(message)
  }
}

export const invalid = (message: string, id?: string) => new SocketError('INVALID_REQUEST', message, id)

/** A message as Elysia hands it over: an object when it was a JSON object, else the text (or bytes). */
export function parseMessage(message: unknown): ClientMessage {
  if (typeof message === 'string') throw invalid(`message: expected a JSON object {"type", "id", "data"}, got ${describe(message)}`)
  if (message === null || typeof message !== 'object' || Array.isArray(message) || message instanceof Uint8Array) {
    throw invalid('message: expected a JSON object {"type", "id", "data"} sent as text')
  }
  const raw = message as Record<string, unknown>
  if (raw.id !== undefined && raw.id !== null && typeof raw.id !== 'string') throw invalid(`id: expected a string, got ${JSON.stringify(raw.id)}`)
  const id = typeof raw.id === 'string' ? raw.id : undefined
  if (typeof raw.type !== 'string' || raw.type === '') throw invalid('type: expected the message type, a string such as "run_workflow"', id)
  if (raw.data !== undefined && raw.data !== null && (typeof raw.data !== 'object' || Array.isArray(raw.data))) {
    throw invalid(`data: expected an object, got ${JSON.stringify(raw.data)}`, id)
  }
  return { type: raw.type, ...(id === undefined ? {} : { id }), data: (raw.data ?? {}) as Record<string, unknown> }
}

/** A message to the client, as text; bytes in `data` as base64, as in the HTTP API's JSON. Throws for a value JSON cannot write. */
export function frame(type: string, id: string | undefined, data: unknown): string {
  return jsonText(id === undefined ? { type, data, timestamp: new Date().toISOString() } : { type, id, data, timestamp: new Date().toISOString() })
}

/**
 * A streamed chunk's `task_chunk` message; `data` is the chunk already as JSON
 * text and `quotedTaskId` the task id as a JSON string (one template a chunk: the hot path).
 */
export function chunkFrame(quotedTaskId: string, seq: number, data: string): string {
  return `{"type":"task_chunk","data":{"task_id":${quotedTaskId},"seq":${seq},"data":${data}},"timestamp":"${new Date().toISOString()}"}`
}

/** The `error` message for whatever a request threw: HTTP errors of the shared run code map to model-compose's codes. */
export function errorFrame(error: unknown, id: string | undefined, notFound: ErrorCode = 'TASK_NOT_FOUND'): string {
  const message = messageOf(error)
  return frame('error', id, { code: codeOf(error, notFound), message })
}

function codeOf(error: unknown, notFound: ErrorCode): ErrorCode {
  if (error instanceof SocketError) return error.code
  if (!(error instanceof HttpError)) return 'INTERNAL_ERROR'
  if (error.status === 404) return notFound
  if (error.status === 503 || error.status === 429) return 'BUSY'
  // resume-task.ts says which check failed first: job_id / run_id, else the task's status.
  if (error.status === 409) return /^(job_id|run_id):/.test(error.message) ? 'JOB_ID_MISMATCH' : 'TASK_NOT_INTERRUPTED'
  return error.status < 500 ? 'INVALID_REQUEST' : 'INTERNAL_ERROR'
}

function describe(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text
  return text.trimStart().startsWith('{') ? `text that is not JSON: ${JSON.stringify(shown)}` : JSON.stringify(shown)
}
