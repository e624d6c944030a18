// What a task costs in Redis's memory, as Redis stores it (measured with INFO
// used_memory, see README "Tasks and resumable streams"): its hash, which Redis
// itself measures (MEMORY USAGE) whenever it changes much; its places in the
// store's sets and in the keyspace; and its recording, a stream whose nodes
// Redis allocates 4 KiB at a time (stream-node-max-bytes), a batch larger than
// that in a node of its own, rounded up to the allocator's size class.

import { eventBytes } from '../retention.ts'
import type { TaskEvent } from '../task-store.ts'

/** A task's members of P:sizes, P:running:<owner> or P:kept / P:tombstones, P:streams, and its keyspace and expiry entries. */
const TASK_KEYS_BYTES = 300
/** A stream key beyond its nodes (key, stream and radix tree). */
const STREAM_KEY_BYTES = 650
/** A stream node as Redis allocates it. */
const NODE_BYTES = 4096
/** Entries a node holds at most (stream-node-max-entries). */
const NODE_ENTRIES = 100
/** An entry beyond its events: its id and first seq, its bytes, its fields' headers. */
const ENTRY_BYTES = 22
/** A node holding one large entry, beyond the entry. */
const LARGE_NODE_BYTES = 520

/** Each event's running total in a batch: 8 hex digits (event-batch.ts). */
const TOTAL_BYTES = 8

/** An event's bytes in a Redis batch. */
export function redisEventBytes(event: TaskEvent): number {
  return eventBytes(event, TOTAL_BYTES)
}

/** A stream entry holding events of `eventBytes`: its share of a node, or a node of its own. */
export function entryBytes(eventBytes: number): number {
  const size = eventBytes + ENTRY_BYTES
  if (size >= NODE_BYTES) return allocated(size) + LARGE_NODE_BYTES
  return Math.ceil(NODE_BYTES / Math.min(NODE_ENTRIES, Math.floor(NODE_BYTES / size)))
}

/** jemalloc's size class for `bytes` above 4 KiB: four classes per doubling. */
function allocated(bytes: number): number {
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2)
  return Math.ceil(bytes / step) * step
}

/**
 * The scripts' share (Lua, for redis-scripts.ts): what a recording of
 * `bytes` (its entries) costs — its key and nodes, at least a whole one (the
 * first node is allocated whole) — and how a task's bytes are counted, in
 * P:sizes (per task, so that the total can drop it when Redis expires it) and P:stored-total.
 */
export const STORED_BYTES_LUA = `
local TASK_KEYS_BYTES = ${TASK_KEYS_BYTES}
local function recording_bytes(bytes)
  if bytes <= 0 then return 0 end
  return ${STREAM_KEY_BYTES} + math.max(${NODE_BYTES}, bytes)
end
local function stored_total(P)
  return tonumber(redis.call('GET', P .. ':stored-total') or '0')
end
local function add_bytes(P, id, delta)
  if delta == 0 then return stored_total(P) end
  redis.call('HINCRBY', P .. ':sizes', id, delta)
  return redis.call('INCRBY', P .. ':stored-total', delta)
end
-- The task's hash measured again (after a change in its size); returns the store's total.
local function measure_row(P, id, key)
  local before = tonumber(redis.call('HGET', key, 'row_bytes') or '0')
  local now = redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')
  redis.call('HSET', key, 'row_bytes', now)
  return add_bytes(P, id, now - before)
end
`
