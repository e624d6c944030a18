// Durations as compose files write them: seconds as a number, or text such as
// "500ms", "30s", "5m", "1h", "1d", "1m30s"; as model-compose 0.4.92 also
// reads them, seconds as text ("0.5") and a timecode ("00:00:00.500", "01:30").

import { Type } from '@sinclair/typebox'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const TEXT = /^(\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/
const SECONDS = /^\d+(?:\.\d+)?$/
const TIMECODE = /^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/
const ANY = new RegExp([TEXT, SECONDS, TIMECODE].map((r) => `(?:${r.source})`).join('|'))

/** The TypeBox schema of a duration field. */
export const Duration = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: ANY.source })], {
  errorMessage: 'expected a duration: seconds as a number, or text like "500ms", "30s", "5m", "1h", "1d"',
})

/** Milliseconds of a duration value (already validated against `Duration`). */
export function toMilliseconds(value: number | string): number {
  if (typeof value === 'number') return value * 1000
  const trimmed = value.trim()
  if (SECONDS.test(trimmed)) return Number(trimmed) * 1000
  const timecode = TIMECODE.exec(trimmed)
  if (timecode) return (Number(timecode[1] ?? 0) * 3600 + Number(timecode[2]) * 60 + Number(timecode[3])) * 1000
  if (!TEXT.test(trimmed)) throw new Error(`bad duration "${value}"`)
  let total = 0
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(amount) * UNITS[unit!]!
  return total
}
