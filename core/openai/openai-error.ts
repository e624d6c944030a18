// Errors as the OpenAI API answers them, `{error: {message, type, param, code}}`,
// so that its SDKs raise the matching class (BadRequestError, NotFoundError,
// RateLimitError, ...). The message is mc's, secrets masked (messageOf).

import { HttpError, messageOf, statusOf } from '../errors.ts'
import { jsonResponse } from '../http/json-response.ts'

/** A request field that is wrong: 400 naming it as OpenAI's `param`. */
export class OpenAiParamError extends HttpError {
  constructor(
    readonly param: string,
    message: string,
    readonly code: string | null = null,
    status = 400,
  ) {
    super(status, `${param}: ${message}`)
  }
}

/** The `model` names no model: 404 `model_not_found`, as OpenAI answers. */
export const unknownModel = (name: string, known: string[]) =>
  new OpenAiParamError('model', `the model "${name}" does not exist (models: ${known.join(', ') || 'none'})`, 'model_not_found', 404)

const TYPES: Record<number, string> = { 401: 'authentication_error', 403: 'permission_error', 404: 'invalid_request_error', 429: 'rate_limit_error' }

/** The error object itself (also what a failed stream's last event carries). */
export function openAiErrorBody(error: unknown): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const status = statusOf(error)
  const type = TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error')
  const param = error instanceof OpenAiParamError ? error.param : null
  const code = error instanceof OpenAiParamError ? error.code : null
  return { error: { message: messageOf(error), type, param, code } }
}

export function openAiErrorResponse(error: unknown): Response {
  const response = jsonResponse(openAiErrorBody(error), statusOf(error))
  if (error instanceof HttpError && error.retryAfterSeconds !== undefined) response.headers.set('retry-after', String(error.retryAfterSeconds))
  return response
}

/**
 * A refusal of the controller's key check (401, or 429 past a key's requests
 * per minute), made before any route runs: under /v1 it is reshaped as
 * OpenAI's error (its headers kept), so a client shows its message.
 */
export async function openAiShapedRefusal(request: Request, refusal: Response | undefined): Promise<Response | undefined> {
  if (refusal === undefined || !new URL(request.url).pathname.startsWith('/v1/')) return refusal
  const { detail } = (await refusal.json()) as { detail?: string }
  const shaped = openAiErrorResponse(new HttpError(refusal.status, detail ?? refusal.statusText))
  refusal.headers.forEach((value, name) => {
    if (name !== 'content-type' && name !== 'content-length') shaped.headers.set(name, value)
  })
  return shaped
}
