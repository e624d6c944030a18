// The smaller keys of a file-store action, checked: flags, sizes, and what a
// list takes (recursive, pattern, max_result_count, next_token). A bad one is
// a 422 naming the key.

import { flagOf, invalidInput } from '../../core/plugin/api.ts'
import type { ListOptions } from './drivers/local.ts'
import type { FileStoreAction } from './schema.ts'

/** A whole number above 0 (of `unit`), at most `max`; undefined when not given. */
export function sizeOf(value: unknown, key: string, max: number, unit = 'bytes'): number | undefined {
  if (value === undefined || value === null) return undefined
  const size = typeof value === 'string' ? Number(value) : value
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > max) throw invalidInput(`${key}: expected a whole number of ${unit}, 1 to ${max}, got ${JSON.stringify(value)}`)
  return size
}

export function listOptionsOf(action: FileStoreAction, maxList: number): ListOptions {
  let pattern: Bun.Glob | undefined
  if (action.pattern !== undefined && action.pattern !== null && action.pattern !== '') {
    if (typeof action.pattern !== 'string') throw invalidInput('pattern: expected a glob pattern such as "*.txt"')
    pattern = new Bun.Glob(action.pattern)
  }
  const limit = sizeOf(action.max_result_count, 'max_result_count', maxList, 'files') ?? maxList
  const token = action.next_token
  const start = token === undefined || token === null || token === '' ? 0 : Number(token)
  if (!Number.isSafeInteger(start) || start < 0) throw invalidInput(`next_token: expected the next_token of a previous list, got ${JSON.stringify(token)}`)
  return { recursive: flagOf(action.recursive, 'recursive'), pattern, start, limit }
}
