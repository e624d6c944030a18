// A rendered action value (its `${...}` templates filled in) read as a flag or
// a whole number, as the plugins read them: a template gives text ("true",
// "300") as often as JSON, so both are taken, and a wrong one is the
// request's fault, a 422 naming its key.

import { toText } from '../binding/convert.ts'
import { invalidInput } from '../errors.ts'

const ON = ['true', '1', 'yes', 'on']
const OFF = ['false', '0', 'no', 'off', '', 'none', 'null']

/** The value as a message quotes it: JSON, cut at 60 characters. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

/**
 * true or false, or text saying so ("true"/"1"/"yes"/"on", "false"/"0"/"no"/"off",
 * or empty, "none", "null" for false; case and spaces aside); `fallback` (false
 * unless given) when unset (undefined or null). Anything else: a 422 naming `key`.
 */
export function flagOf(value: unknown, key: string, fallback = false): boolean {
  if (value === undefined || value === null) return fallback
  if (typeof value === 'boolean') return value
  const word = toText(value).trim().toLowerCase()
  if (ON.includes(word)) return true
  if (OFF.includes(word)) return false
  throw invalidInput(`${key}: expected true or false, got ${quoted(value)}`)
}

/**
 * A whole number (a number, or text of one), `minimum` or more when given.
 * Anything else, an unset value included: a 422 naming `key`.
 */
export function wholeNumberOf(value: unknown, key: string, minimum?: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim() || Number.NaN) : Number.NaN
  if (!Number.isInteger(n) || (minimum !== undefined && n < minimum)) {
    throw invalidInput(`${key}: expected a whole number${minimum === undefined ? '' : `, ${minimum} or more`}, got ${quoted(value)}`)
  }
  return n
}
