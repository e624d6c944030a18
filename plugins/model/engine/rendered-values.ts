// The values of an encoder task's action as a run rendered them: a binding
// such as `${input.top_k as int | 5}` gives any JSON value, so each is checked
// here, and a wrong one is the request's fault (422) naming its key.

import { invalidInput } from '../../../core/plugin/api.ts'

/** At most this many texts (or query–document pairs) in one call: a bound on one request's work. */
export const MAX_INPUTS = 2048

/** true / false, or the words a form or a query string gives ("true", "0", ...); `fallback` when unset. */
export function flagOf(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback
  if (typeof value === 'boolean') return value
  const word = String(value).trim().toLowerCase()
  if (['true', '1', 'yes', 'on'].includes(word)) return true
  if (['false', '0', 'no', 'off'].includes(word)) return false
  throw invalidInput(`${key}: expected true or false (got ${JSON.stringify(value)})`)
}

/** A whole number ≥ 1, or undefined when unset. */
export function countOf(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined
  const number = typeof value === 'string' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) throw invalidInput(`${key}: expected a whole number of at least 1 (got ${JSON.stringify(value)})`)
  return number
}

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
