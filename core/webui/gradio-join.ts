// What a Gradio client sends to /queue/join (and /queue/data's session_hash),
// checked before anything happens: a bad field is a 422 naming it, and no
// session is opened or counted.

import { invalidInput } from '../errors.ts'

/**
 * Gradio clients make their own session hashes, short and random:
 * @gradio/client 10-11 base-36 characters, the Python gradio_client a UUID.
 */
const SESSION_HASH = /^[A-Za-z0-9_-]{1,64}$/

export interface JoinRequest {
  fnIndex: number
  data: unknown[]
  sessionHash: string
}

export function sessionHashOf(value: unknown): string {
  if (typeof value === 'string' && SESSION_HASH.test(value)) return value
  throw invalidInput('session_hash must be a string of 1 to 64 characters among A-Z, a-z, 0-9, "_" and "-"')
}

/** The join's fields, or a 422; `fn_index` must be the index of one of `workflowCount` workflows. */
export function joinRequestOf(body: Record<string, unknown>, workflowCount: number): JoinRequest {
  const sessionHash = sessionHashOf(body.session_hash)
  const fnIndex = body.fn_index
  if (typeof fnIndex !== 'number' || !Number.isInteger(fnIndex) || fnIndex < 0 || fnIndex >= workflowCount) {
    throw invalidInput(workflowCount === 0 ? 'fn_index: there are no workflows' : `fn_index must be the integer index of a workflow, 0 to ${workflowCount - 1}`)
  }
  if (!Array.isArray(body.data)) throw invalidInput("data must be an array: the workflow's inputs in order")
  return { fnIndex, data: body.data, sessionHash }
}
