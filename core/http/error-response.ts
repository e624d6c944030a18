// How mc's servers (the controller, the Web UI) answer an error: a JSON
// `detail`, secrets masked (messageOf), with the status the error carries.

import { HttpError, messageOf, statusOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import { jsonResponse } from './json-response.ts'

export function errorResponse(error: unknown, extra: Record<string, unknown> = {}): Response {
  const response = jsonResponse({ detail: messageOf(error), ...extra }, statusOf(error))
  if (error instanceof HttpError && error.retryAfterSeconds !== undefined) response.headers.set('retry-after', String(error.retryAfterSeconds))
  return response
}

/**
 * The onError hook of an mc server: an unknown route is a 404, a path that
 * does not decode a 400, an HttpError its own status; anything else is logged
 * (it is a bug) and answered 500.
 */
export function answerError(log: Logger) {
  return ({ code, error }: { code: unknown; error: unknown }): Response => {
    if (code === 'NOT_FOUND') return jsonResponse({ detail: 'not found' }, 404)
    if (error instanceof HttpError) return errorResponse(error)
    if (error instanceof URIError) return jsonResponse({ detail: 'the path is not valid percent-encoded UTF-8' }, 400)
    log.error(`unexpected: ${(error as Error)?.stack ?? error}`)
    return jsonResponse({ detail: messageOf(error) }, 500)
  }
}
