// Binary input values through the queue, as model-compose's serialize.py
// moves them: each goes to its own key (`{result key}:blob:{ulid}`, with a
// TTL) and the task message holds a marker {key, filename, content_type,
// origin_type, size} in its place; the worker takes the bytes back (GET, then
// DEL) and checks the size. In mc a binary value is an uploaded file's bytes.

import type { RedisClient } from 'bun'
import { ulid } from 'ulid'
import { HttpError } from '../errors.ts'

interface BlobMarker {
  key: string
  filename: string
  content_type: string
  origin_type: string
  size: number
}

/** `input` with each Uint8Array stored under `prefix`; the keys written, to delete if the push fails. */
export async function storeBlobs(redis: RedisClient, input: unknown, prefix: string, ttlSeconds: number, maxBytes: number | undefined): Promise<{ input: unknown; keys: string[] }> {
  const keys: string[] = []
  const walk = async (value: unknown): Promise<unknown> => {
    if (value instanceof Uint8Array) {
      if (maxBytes !== undefined && value.byteLength > maxBytes) {
        throw new HttpError(413, `an input value of ${value.byteLength} bytes is larger than the queue's max_blob_size (${maxBytes} bytes)`)
      }
      const key = `${prefix}${ulid()}`
      keys.push(key)
      await redis.set(key, value, 'EX', ttlSeconds)
      return { key, filename: 'blob', content_type: 'application/octet-stream', origin_type: 'bytes', size: value.byteLength } satisfies BlobMarker
    }
    if (Array.isArray(value)) return Promise.all(value.map(walk))
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(value)) out[key] = await walk(item)
      return out
    }
    return value
  }
  try {
    return { input: await walk(input), keys }
  } catch (error) {
    if (keys.length > 0) await redis.del(...keys).catch(() => {})
    throw error
  }
}

/** The bytes of the binary values in `input`: what storeBlobs will write. */
export function blobBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength
  if (value === null || typeof value !== 'object') return 0
  let total = 0
  for (const item of Array.isArray(value) ? value : Object.values(value)) total += blobBytes(item)
  return total
}

/** `input` with each marker whose key starts with `prefix` (this run's own) replaced by its bytes. */
export async function takeBlobs(redis: RedisClient, input: unknown, prefix: string): Promise<unknown> {
  const walk = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map(walk))
    if (value === null || typeof value !== 'object') return value
    const record = value as Record<string, unknown>
    if (typeof record.key === 'string' && record.key.startsWith(prefix)) return take(redis, record as unknown as BlobMarker)
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(record)) out[key] = await walk(item)
    return out
  }
  return walk(input)
}

async function take(redis: RedisClient, marker: BlobMarker): Promise<Uint8Array> {
  const bytes = await redis.getBuffer(marker.key)
  if (bytes === null) throw new Error(`blob missing or expired: key=${marker.key}`)
  await redis.del(marker.key)
  if (bytes.byteLength !== marker.size) throw new Error(`size mismatch: expected ${marker.size}, got ${bytes.byteLength} (key=${marker.key})`)
  return bytes
}
