// Errors a user sees. Each carries what to say in one line and, for the HTTP
// API, the status it answers with.

import { redact } from './secrets.ts'

/** A value that cannot take the type a binding asks for (`as integer`, `select/a,b`, ...): it came from the input, so 422. */
export class ConversionError extends Error {}

/** An error with an HTTP status: 400 bad request, 404, 422 bad input, 502/504 upstream, 503 busy (with a Retry-After). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
  }
}

/** What model-compose has and mc does not, said one way everywhere: `"X" is a model-compose <kind> that mc does not have (mc has: ...)`. */
export function notInMc(kind: string, name: string, has: readonly string[]): string {
  return `"${name}" is a model-compose ${kind} that mc does not have (mc has: ${has.join(', ')})`
}

export const badRequest = (message: string) => new HttpError(400, message)
export const notFound = (message: string) => new HttpError(404, message)
export const invalidInput = (message: string) => new HttpError(422, message)
export const upstreamFailed = (message: string) => new HttpError(502, message)
export const upstreamTimedOut = (message: string) => new HttpError(504, message)

/** How long a client told "busy" waits before asking again. */
export const BUSY_RETRY_AFTER_SECONDS = 5
/** mc has no room for this now (a cap on runs, bodies, sessions): 503, try again after a while. */
export const busy = (message: string) => new HttpError(503, message, BUSY_RETRY_AFTER_SECONDS)

export function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status
  // A value that cannot take the type a binding asks for came from the input.
  if (error instanceof ConversionError) return 422
  return 500
}

/** What an error says, secrets masked: every answer and log line is built from this. */
export function messageOf(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error))
}

/** "path.to[0].key" from path steps. */
export function formatKeyPath(path: (string | number)[]): string {
  let out = ''
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out ? `.${step}` : step
  return out
}
