// The entry point reading a worker's streamed output: XREAD BLOCK on the
// Redis Stream from its first entry (chunks written before the reader came
// are not lost), chunk by chunk, ending at `done` and throwing at `error`.
// The queue's `timeout` bounds the wait for each chunk (as model-compose's
// RedisStreamIterator does); the worker's heartbeat bounds a dead worker.
// Ending the iteration early (or the caller's abort) stops the reading. A gap
// in an mc worker's chunk numbers means the stream was trimmed under a reader
// that fell behind (chunks.ts): the reading fails rather than skip chunks.

import { upstreamFailed, upstreamTimedOut } from '../../errors.ts'
import { abortable } from '../abortable.ts'
import { entryOf, STREAM_MAX_ENTRIES } from '../chunks.ts'
import { LOOK_EVERY_MS, type WorkerWatch } from '../heartbeat.ts'
import { connected, type BlockingConnections } from '../redis-connections.ts'

export interface StreamRead {
  connections: BlockingConnections
  key: string
  watch: WorkerWatch
  /** 0 = no limit. */
  timeoutMs: number
  signal: AbortSignal
  /** Called once, however the reading ends: `finished` when it read the worker's `done` or `error`. */
  onEnd: (finished: boolean) => void
}

type Entries = [id: string, fields: string[]][]

const BATCH = '100'

export async function* readStream(read: StreamRead): AsyncGenerator<unknown> {
  const { key, signal, timeoutMs } = read
  const client = read.connections.borrow()
  let pending: Promise<unknown> | undefined
  let lastId = '0-0'
  let lastEntryAt = performance.now()
  let workerLost = false
  let finished = false
  let nextSeq = 1
  try {
    for (;;) {
      const quietFor = performance.now() - lastEntryAt
      if (timeoutMs > 0 && quietFor >= timeoutMs) throw upstreamTimedOut(`no chunk from queue stream "${key}" within ${timeoutMs / 1000} s (the queue's timeout)`)
      // Once the worker is known gone, one last look without blocking for what it wrote before.
      const block = workerLost ? [] : ['BLOCK', String(Math.max(1, Math.min(LOOK_EVERY_MS, timeoutMs > 0 ? timeoutMs - quietFor : LOOK_EVERY_MS)))]
      pending = connected(client).then((c) => c.send('XREAD', ['COUNT', BATCH, ...block, 'STREAMS', key, lastId]))
      const reply = await abortable(pending, signal).catch((error) => {
        if (signal.aborted) throw error
        throw upstreamFailed(`reading queue stream "${key}" failed: ${(error as Error).message}`)
      })
      pending = undefined
      const entries = entriesOf(reply, key)
      if (entries.length === 0) {
        if (workerLost) throw new Error(read.watch.lostMessage())
        workerLost = (await read.watch.look()) === 'lost'
        continue
      }
      lastEntryAt = performance.now()
      for (const [id, fields] of entries) {
        lastId = id
        const entry = entryOf(fields)
        finished = entry?.event === 'done' || entry?.event === 'error'
        if (entry?.event === 'chunk') {
          if (entry.seq !== undefined && entry.seq !== nextSeq) {
            throw new Error(`the queue worker's stream outran its reader: chunks ${nextSeq} to ${entry.seq - 1} were dropped before they were read (a stream keeps its last ${STREAM_MAX_ENTRIES})`)
          }
          nextSeq++
          yield entry.chunk
        } else if (entry?.event === 'done') return
        else if (entry?.event === 'error') throw new Error(entry.message)
      }
    }
  } finally {
    if (pending) void pending.catch(() => {}).finally(() => read.connections.giveBack(client))
    else read.connections.giveBack(client)
    read.onEnd(finished)
  }
}

/** XREAD's answer for one key: a map under RESP3 (Bun's), a list of [key, entries] under RESP2; null when nothing came. */
function entriesOf(reply: unknown, key: string): Entries {
  if (reply === null || reply === undefined) return []
  if (Array.isArray(reply)) return ((reply as [string, Entries][]).find(([k]) => k === key)?.[1] ?? []) as Entries
  return ((reply as Record<string, Entries>)[key] ?? []) as Entries
}
