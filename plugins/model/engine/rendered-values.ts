// The values of an encoder task's action as a run rendered them: a binding
// such as `${input.top_k as int | 5}` gives any JSON value, so each is checked
// here, and a wrong one is the request's fault (422) naming its key.

import { invalidInput, wholeNumberOf } from '../../../core/plugin/api.ts'

/** At most this many texts (or query–document pairs) in one call: a bound on one request's work. */
export const MAX_INPUTS = 2048

/** A whole number, 1 or more, or undefined when unset. */
export const countOf = (value: unknown, key: string): number | undefined => (value === undefined || value === null ? undefined : wholeNumberOf(value, key, 1))

export function numberOf(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined
  const number = typeof value === 'string' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isFinite(number)) throw invalidInput(`${key}: expected a number (got ${JSON.stringify(value)})`)
  return number
}

/** One text or a list of them (a batch), as strings; `single` says which was given. */
export function textsOf(value: unknown, key: string): { texts: string[]; single: boolean } {
  if (typeof value === 'string') return { texts: [value], single: true }
  if (!Array.isArray(value)) throw invalidInput(`${key}: expected a text or a list of texts`)
  if (value.length > MAX_INPUTS) throw invalidInput(`${key}: ${value.length} texts in one call; at most ${MAX_INPUTS}`)
  const at = value.findIndex((text) => typeof text !== 'string')
  if (at >= 0) throw invalidInput(`${key}[${at}]: expected a text (got ${JSON.stringify(value[at])?.slice(0, 60)})`)
  return { texts: value as string[], single: false }
}
