// Reading an upstream body: byte chunks, one network read at a time, and how
// much of it mc holds at once. Waiting longer than `idleMs` for the next read
// fails the stream with a 504; ending early (the consumer stops) cancels the
// body, which closes the connection.

import { upstreamFailed, upstreamTimedOut } from '../../core/errors.ts'
import { bytesSetting, describeBytes, raisedBytes } from '../../core/settings.ts'

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

export async function* readBody(body: ReadableStream<Uint8Array> | null, idleMs: number, what: string): AsyncGenerator<Uint8Array> {
  if (!body) return
  const reader = body.getReader()
  let done = false
  // One watchdog per body rather than a timer per read: reads are many and small.
  let lastRead = 0
  let stall: ((error: Error) => void) | undefined
  const watchdog = setInterval(() => {
    if (performance.now() - lastRead >= idleMs) stall?.(upstreamTimedOut(`${what} sent nothing for ${idleMs / 1000}s`))
  }, Math.min(Math.max(idleMs / 4, 1), 1000))
  try {
    for (;;) {
      lastRead = performance.now() // the wait starts now, however long the consumer took
      const next = await new Promise<Awaited<ReturnType<typeof reader.read>>>((resolve, reject) => {
        stall = reject
        reader.read().then(resolve, reject)
      })
      if (next.done) {
        done = true
        return
      }
      if (next.value.byteLength > 0) yield next.value
    }
  } finally {
    clearInterval(watchdog)
    if (!done) reader.cancel().catch(() => {})
  }
}
