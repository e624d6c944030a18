// Reading an upstream body: byte chunks, one network read at a time, and how
// much of it mc holds at once. Waiting longer than `idleMs` for the next read
// fails the stream with a 504; ending early (the consumer stops) cancels the
// body, which closes the connection.

import { upstreamFailed, upstreamTimedOut } from '../errors.ts'
import { bytesSetting, describeBytes, raisedBytes } from '../settings.ts'

const MiB = 1024 * 1024

/** How much of an upstream body mc holds, set through the component's environment. */
export interface BodyLimits {
  /** MC_MAX_CHUNK_BYTES: one streamed chunk (an SSE event, an NDJSON line). */
  maxChunkBytes: number
  /** MC_MAX_RESPONSE_BYTES: a body read whole. */
  maxResponseBytes: number
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxChunkBytes: 8 * MiB, maxResponseBytes: 256 * MiB }

/** The limits an environment sets (`-e`, --env-file, the process); a bad value throws naming it. */
export function bodyLimitsOf(env: Readonly<Record<string, string | undefined>>): BodyLimits {
  return {
    maxChunkBytes: bytesSetting(env, 'MC_MAX_CHUNK_BYTES', DEFAULT_BODY_LIMITS.maxChunkBytes),
    maxResponseBytes: bytesSetting(env, 'MC_MAX_RESPONSE_BYTES', DEFAULT_BODY_LIMITS.maxResponseBytes),
  }
}

export function chunkTooLarge(what: string, kind: string, max: number): Error {
  return upstreamFailed(
    `${what} sent ${kind} larger than ${describeBytes(max)}, the most mc holds as one chunk (MC_MAX_CHUNK_BYTES); if that is expected, raise it, e.g. -e MC_MAX_CHUNK_BYTES=${raisedBytes(max)}`,
  )
}

export function bodyTooLarge(what: string, max: number): Error {
  return upstreamFailed(
    `${what} answered with a body larger than ${describeBytes(max)}, the most mc reads whole (MC_MAX_RESPONSE_BYTES); raise it, e.g. -e MC_MAX_RESPONSE_BYTES=${raisedBytes(max)}, or stream the body with stream_format`,
  )
}

/** The start of a body as one short line, for messages. */
export function excerptOf(text: string, max = 200): string {
  const line = text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max)}…` : line
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined }

/**
 * The body's byte chunks. A plain iterator, not a generator: it sits on every
 * chunk's path, and each read costs one promise step. A stalled read is ended
 * by cancelling the body (the pending read then comes back done) rather than
 * by racing every read against a timer.
 */
export function readBody(body: ReadableStream<Uint8Array> | null, idleMs: number, what: string): AsyncIterableIterator<Uint8Array> {
  if (!body) return emptyBody()
  const reader = body.getReader()
  let finished = false
  let stalled: Error | undefined
  /** When the read under way began; undefined between reads, while the consumer holds a chunk (however long it takes). */
  let waitingSince: number | undefined
  // One watchdog per body rather than a timer per read: reads are many and small.
  const watchdog = setInterval(() => {
    if (waitingSince === undefined || performance.now() - waitingSince < idleMs) return
    stalled = upstreamTimedOut(`${what} sent nothing for ${idleMs / 1000}s`)
    reader.cancel(stalled).catch(() => {})
  }, Math.min(Math.max(idleMs / 4, 1), 1000))
  const finish = () => {
    finished = true
    clearInterval(watchdog)
  }
  const onRead = (next: { done: true; value?: Uint8Array } | { done: false; value: Uint8Array }): IteratorResult<Uint8Array> | Promise<IteratorResult<Uint8Array>> => {
    waitingSince = undefined
    if (stalled) {
      finish()
      throw stalled
    }
    if (next.done) {
      finish()
      return DONE
    }
    return next.value.byteLength > 0 ? next : read()
  }
  const onError = (error: unknown): never => {
    waitingSince = undefined
    finish()
    throw stalled ?? error
  }
  const read = (): Promise<IteratorResult<Uint8Array>> => {
    waitingSince = performance.now()
    return reader.read().then(onRead, onError)
  }
  const self: AsyncIterableIterator<Uint8Array> = {
    [Symbol.asyncIterator]: () => self,
    next: () => (finished ? Promise.resolve(DONE) : read()),
    // The consumer stopped early: cancelling the body closes the connection.
    return: () => {
      if (!finished) {
        finish()
        reader.cancel().catch(() => {})
      }
      return Promise.resolve(DONE)
    },
  }
  return self
}

function emptyBody(): AsyncIterableIterator<Uint8Array> {
  const self: AsyncIterableIterator<Uint8Array> = { [Symbol.asyncIterator]: () => self, next: () => Promise.resolve(DONE), return: () => Promise.resolve(DONE) }
  return self
}
