// One run's keys, values and TTL read from its rendered action, each bounded:
// at most `maxKeys` keys a call, keys of at most MAX_KEY_BYTES, values of at
// most `maxValueBytes` as stored. A bad one is a 422 naming the key.

import { invalidInput, toMilliseconds, toText, wholeNumberOf } from '../../core/plugin/api.ts'
import { encodeValue } from './drivers/value-text.ts'

export const MAX_KEY_BYTES = 4096

export interface Limits {
  maxKeys: number
  maxValueBytes: number
}

/** The keys of `key`: one (single) or a list. */
export function keysOf(key: unknown, limits: Limits): { keys: string[]; single: boolean } {
  if (key === undefined || key === null) throw invalidInput('key: missing (a key, or a list of keys)')
  const single = !Array.isArray(key)
  const list = single ? [key] : (key as unknown[])
  if (list.length > limits.maxKeys) throw invalidInput(`key: ${list.length} keys, more than the ${limits.maxKeys} one call takes (MC_KV_MAX_KEYS)`)
  const keys = list.map((item, index) => {
    const where = single ? 'key' : `key[${index}]`
    if (typeof item !== 'string' && typeof item !== 'number') throw invalidInput(`${where}: expected a text, got ${item === null ? 'null' : typeof item}`)
    const text = toText(item)
    if (text === '') throw invalidInput(`${where}: empty`)
    if (Buffer.byteLength(text) > MAX_KEY_BYTES) throw invalidInput(`${where}: longer than ${MAX_KEY_BYTES} bytes`)
    return text
  })
  return { keys, single }
}

/** The value of each key for a set: the value itself for one key; for a list, a list of as many values, or one value for all. */
export function valuesOf(value: unknown, keys: string[], single: boolean, limits: Limits): unknown[] {
  const values = single ? [value] : Array.isArray(value) ? value : [value]
  const paired = values.length === 1 && keys.length > 1 ? keys.map(() => values[0]) : values
  if (paired.length !== keys.length) throw invalidInput(`value: ${keys.length} keys but ${paired.length} values`)
  paired.forEach((item, index) => {
    const bytes = Buffer.byteLength(encodeValue(item))
    if (bytes > limits.maxValueBytes) {
      throw invalidInput(`${single ? 'value' : `value[${index}]`}: ${bytes} bytes, more than ${limits.maxValueBytes} (MC_KV_MAX_VALUE_BYTES)`)
    }
  })
  return paired
}

/** Whole milliseconds of `ttl` (seconds, or a duration like "30s"); undefined for none. */
export function ttlOf(ttl: unknown): number | undefined {
  if (ttl === undefined || ttl === null || ttl === '') return undefined
  let ms = Number.NaN
  if (typeof ttl === 'number') ms = ttl * 1000
  else if (typeof ttl === 'string') {
    try {
      ms = toMilliseconds(ttl)
    } catch {}
  }
  if (!(ms > 0) || !Number.isSafeInteger(Math.ceil(ms))) throw invalidInput(`ttl: expected seconds above 0 or a duration like "30s", got ${JSON.stringify(ttl)}`)
  return Math.ceil(ms)
}

/** `batch_size` as a whole number above 0 (default: all keys at once). */
export function batchSizeOf(batchSize: unknown, total: number): number {
  if (batchSize === undefined || batchSize === null) return Math.max(total, 1)
  return wholeNumberOf(batchSize, 'batch_size', 1)
}
