// Wall-clock times as a `delay` job's `time` gives them: ISO 8601 text, read
// in its own offset when it has one, else in `timezone` (an IANA name such as
// "Asia/Seoul"), else in the machine's local time (as Python's naive datetime).

import { ConversionError } from '../../errors.ts'

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/** The instant (ms since epoch) that `text` names; bad text or an unknown zone is a ConversionError. */
export function instantOf(text: string, timezone?: string): number {
  const m = ISO.exec(text.trim())
  if (!m) throw new ConversionError(`time: expected an ISO 8601 date and time such as "2024-12-25T09:00:00", got ${JSON.stringify(text)}`)
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) => Number(part ?? 0)) as [number, number, number, number, number, number]
  const ms = Math.floor(Number(`0.${m[7] ?? 0}`) * 1000)
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  const check = new Date(wall)
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new ConversionError(`time: no such date and time: ${JSON.stringify(text)}`)
  }
  const zone = m[8]
  if (zone) return wall - offsetOf(zone)
  if (timezone) {
    // The zone's offset at that wall time; asked twice, for times next to a daylight-saving change.
    const first = wall - zoneOffset(wall, timezone)
    return wall - zoneOffset(first, timezone)
  }
  return new Date(year, month - 1, day, hour, minute, second, ms).getTime()
}

/** Checks that `timezone` is a zone this machine knows. */
export function checkTimezone(timezone: string): void {
  zoneOffset(0, timezone)
}

function offsetOf(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0
  const digits = zone.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)
  return (zone[0] === '-' ? -minutes : minutes) * 60_000
}

/** How far `timezone`'s wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffset(instant: number, timezone: string): number {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    throw new ConversionError(`timezone: unknown time zone ${JSON.stringify(timezone)} (an IANA name such as "Asia/Seoul" or "UTC")`)
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]))
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
  return asUtc - Math.floor(instant / 1000) * 1000
}
