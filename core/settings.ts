// mc's own settings, read from the environment (`-e`, --env-file, the process)
// by the part that uses them. A bad value is a one-line error naming the
// variable; a missing one takes the default.

type Env = Readonly<Record<string, string | undefined>>

const UNITS: Record<string, number> = { '': 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }

/** A size such as `8388608`, `512KiB`, `8MiB` or `1GiB`. */
export function bytesSetting(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim()
  if (!text) return fallback
  const match = /^(\d+)\s*(KiB|MiB|GiB)?$/i.exec(text)
  const bytes = match ? Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]! : Number.NaN
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) throw new Error(`${name}: expected a number of bytes such as 8388608 or 8MiB, got "${text}"`)
  return bytes
}

/** A number of seconds above 0 (or 0 itself, with `allowZero`), at most `max`. */
export function secondsSetting(env: Env, name: string, fallback: number, { max = Number.MAX_SAFE_INTEGER, allowZero = false } = {}): number {
  const text = env[name]?.trim()
  if (!text) return fallback
  const seconds = Number(text)
  const tooSmall = allowZero ? !(seconds >= 0) : !(seconds > 0)
  if (tooSmall || seconds > max) throw new Error(`${name}: expected a number of seconds${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got "${text}"`)
  return seconds
}

/** A whole number above 0, such as a count of runs. */
export function countSetting(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim()
  if (!text) return fallback
  const count = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!(count > 0) || !Number.isSafeInteger(count)) throw new Error(`${name}: expected a whole number above 0, got "${text}"`)
  return count
}

/** "8 MiB" for whole units, else "1000000 bytes". */
export function describeBytes(bytes: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB']) {
    const size = UNITS[unit.toLowerCase()]!
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`
  }
  return `${bytes} bytes`
}

/** A value of a bytes setting four times as large ("32MiB"), for "raise it" hints. */
export function raisedBytes(bytes: number): string {
  const text = describeBytes(bytes * 4)
  return text.endsWith(' bytes') ? String(bytes * 4) : text.replace(' ', '')
}
