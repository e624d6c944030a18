// The items a `filter` or `for-each` job goes through: a list's items or a
// stream's chunks, taken a batch at a time; any other value is one item.

import { isStream, type Stream } from '../../stream/stream.ts'

export function isCollection(value: unknown): value is unknown[] | Stream {
  return Array.isArray(value) || isStream(value)
}

/** The items of `source` in batches of `size` (the last may be shorter), each with its index. */
export async function* batches(source: unknown[] | Stream, size: number): AsyncGenerator<{ item: unknown; index: number }[]> {
  let batch: { item: unknown; index: number }[] = []
  let index = 0
  for await (const item of source) {
    batch.push({ item, index: index++ })
    if (batch.length >= size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/** A whole number ≥ 1 from a rendered `batch_size` (null = 1). */
export function batchSize(value: unknown): number {
  if (value === null || value === undefined) return 1
  const size = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new Error(`batch_size: expected a whole number, 1 or more, got ${JSON.stringify(value)}`)
  return size
}
