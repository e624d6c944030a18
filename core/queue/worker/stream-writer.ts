// A worker writing a run's streamed output to its Redis Stream as the run
// produces it: one XADD per chunk, then a `done` (or `error`) entry. The run
// is read no faster than Redis takes the entries: at most WINDOW XADDs are in
// flight (pipelined on the shared connection, so in order) before the next
// chunk is pulled. The stream expires `ttl` after its first and last entry
// (model-compose sets it only at the end: a dead worker's stream would stay),
// and keeps only its last STREAM_MAX_ENTRIES entries, chunks numbered (chunks.ts):
// a reader that is not there, or far behind, cannot make it grow without end.

import type { RedisClient } from 'bun'
import { messageOf } from '../../errors.ts'
import type { Stream } from '../../stream/stream.ts'
import { chunkFields, DONE_FIELDS, errorFields, STREAM_MAX_ENTRIES } from '../chunks.ts'

const WINDOW = 16

export async function writeStream(redis: RedisClient, key: string, output: Stream, signal: AbortSignal, ttlSeconds: number): Promise<void> {
  const iterator = output[Symbol.asyncIterator]()
  const inFlight: Promise<unknown>[] = []
  const expire = () => (ttlSeconds > 0 ? redis.expire(key, Math.max(1, Math.round(ttlSeconds))).catch(() => {}) : undefined)
  const add = (fields: string[]) => redis.send('XADD', [key, 'MAXLEN', '~', String(STREAM_MAX_ENTRIES), '*', ...fields])
  let written = 0
  let finished = false
  try {
    for (;;) {
      const next = await iterator.next()
      if (next.done) break
      const added = add(chunkFields(next.value, ++written))
      added.catch(() => {}) // seen when awaited below; not an unhandled rejection meanwhile
      inFlight.push(added)
      if (written === 1) void expire()
      if (inFlight.length >= WINDOW) await inFlight.shift()
    }
    finished = true
    await Promise.all(inFlight)
    // A run cancelled under it may just end its stream: that is no `done`.
    if (signal.aborted) throw signal.reason
    await add(DONE_FIELDS)
  } catch (error) {
    if (!finished) void iterator.return?.()?.catch(() => {})
    await Promise.allSettled(inFlight)
    await add(errorFields(messageOf(error))).catch(() => {})
  } finally {
    await expire()
  }
}
